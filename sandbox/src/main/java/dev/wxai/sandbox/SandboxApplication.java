package dev.wxai.sandbox;

import dev.wxai.common.runtime.EventLoops;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Plays WeChat's servers, DeepSeek and (later) WeChat Pay on one port, for the local stack and the tests. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SandboxApplication {

    public static void main(String[] args) {
        EventLoops.onePerCore();
        SpringApplication.run(SandboxApplication.class, args);
    }
}
