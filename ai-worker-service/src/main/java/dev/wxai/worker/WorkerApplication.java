package dev.wxai.worker;

import dev.wxai.common.runtime.EventLoops;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class WorkerApplication {

    public static void main(String[] args) {
        EventLoops.onePerCore();
        SpringApplication.run(WorkerApplication.class, args);
    }
}
