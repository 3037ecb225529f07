package dev.nostrcache.functions;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The one Spring application behind every Lambda function. On AWS, {@code FunctionInvoker} starts it and
 * {@code SPRING_CLOUD_FUNCTION_DEFINITION} picks the bean a function runs; locally, the local runtime starts it once
 * and invokes every bean through the same conversion path.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class CacheFunctions {

    public static void main(String[] args) {
        SpringApplication.run(CacheFunctions.class, args);
    }
}
