package dev.wxai.ingress;

import dev.wxai.common.runtime.EventLoops;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class IngressApplication {

    public static void main(String[] args) {
        EventLoops.onePerCore();
        SpringApplication.run(IngressApplication.class, args);
    }
}
