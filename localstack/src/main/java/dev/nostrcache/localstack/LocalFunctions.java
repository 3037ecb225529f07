package dev.nostrcache.localstack;

import dev.nostrcache.functions.CacheFunctions;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.cloud.function.adapter.aws.AWSLambdaUtils;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.cloud.function.context.catalog.SimpleFunctionRegistry.FunctionInvocationWrapper;
import org.springframework.cloud.function.json.JsonMapper;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.messaging.Message;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The functions application, started once for the whole local runtime, and invoked the way
 * {@code FunctionInvoker.handleRequest} invokes it on Lambda: the raw event JSON goes through Spring Cloud
 * Function's {@link AWSLambdaUtils} into the bean the definition names, and the result comes back as the JSON
 * Lambda would return. Only the context is shared: on AWS every function has its own.
 */
final class LocalFunctions implements AutoCloseable {
    private final ConfigurableApplicationContext context;
    private final FunctionCatalog catalog;
    private final JsonMapper jsonMapper;

    private LocalFunctions(ConfigurableApplicationContext context) {
        this.context = context;
        this.catalog = context.getBean(FunctionCatalog.class);
        this.jsonMapper = context.getBean(JsonMapper.class);
    }

    /**
     * Starts the application with {@code adapters} (bean name to instance) registered first, so the AWS-facing
     * definitions in {@code Infrastructure} step aside for them, and {@code environment} as the variables a
     * function's template entry would set.
     */
    static LocalFunctions start(Map<String, Object> adapters, Map<String, String> environment) {
        SpringApplication app = new SpringApplication(CacheFunctions.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setRegisterShutdownHook(false);
        app.addInitializers(context -> adapters.forEach(context.getBeanFactory()::registerSingleton));
        List<String> args = new ArrayList<>(List.of("--spring.cloud.function.web.export.enabled=false"));
        environment.forEach((name, value) -> args.add("--" + name + "=" + value));
        return new LocalFunctions(app.run(args.toArray(String[]::new)));
    }

    /** Invokes the function bean {@code name} with a Lambda event, returning the Lambda response JSON. */
    byte[] invoke(String name, byte[] eventJson) throws IOException {
        FunctionInvocationWrapper function = catalog.lookup(name, "application/json");
        if (function == null) {
            throw new IllegalArgumentException("no function named " + name);
        }
        Message<?> request = AWSLambdaUtils.generateMessage(new ByteArrayInputStream(eventJson), function.getInputType(),
                function.isSupplier(), jsonMapper, null);
        Object response = function.apply(request);
        return AWSLambdaUtils.generateOutput(request, (Message<?>) response, jsonMapper, function.getOutputType());
    }

    @Override
    public void close() {
        context.close();
    }
}
