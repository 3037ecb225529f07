package dev.nostrcache.localstack;

import dev.nostrcache.functions.CacheFunctions;
import dev.nostrcache.functions.InvocationMetrics;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The functions application, started once for the whole local runtime. {@link #invoke} invokes it the way
 * {@code FunctionInvoker.handleRequest} does on Lambda: the raw event JSON goes through Spring Cloud Function's
 * {@link AWSLambdaUtils} into the bean the definition names, and the result comes back as the JSON Lambda would
 * return (the scheduled functions are invoked so). The gateway's routes and the event-source mappings, in this
 * process, use {@link #call}: the event as the object the function takes (the HTTP functions take the event's JSON
 * stream, as on Lambda), handed to the function bean itself and timed by the same {@link InvocationMetrics} that wraps
 * it on Lambda. Profiled on the benchmark's loops: the JSON round trip of the event cost as much CPU as the relay's
 * own work, and Spring Cloud Function's wrapper without it (message headers, type resolution, its around-advice)
 * still 15 % of the JVM's CPU on a NIP-01 REQ. The functions' code is the same either way; only the context is
 * shared: on AWS every function has its own.
 */
final class LocalFunctions implements LocalGateway.Invoker, AutoCloseable {
    private final ConfigurableApplicationContext context;
    private final FunctionCatalog catalog;
    private final JsonMapper jsonMapper;
    private final InvocationMetrics metrics;
    private final Map<String, Function<Object, Object>> beans = new ConcurrentHashMap<>();

    private LocalFunctions(ConfigurableApplicationContext context) {
        this.context = context;
        this.catalog = context.getBean(FunctionCatalog.class);
        this.jsonMapper = context.getBean(JsonMapper.class);
        this.metrics = context.getBean(InvocationMetrics.class);
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

    /**
     * Invokes the function bean {@code name} with {@code event}, an object of its input type, and returns its result
     * object: what {@link #invoke} does, minus the event and response JSON and Spring Cloud Function's wrapper.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <O> O call(String name, Object event) {
        Function<Object, Object> function = beans.computeIfAbsent(name, n -> {
            if (!context.containsBean(n)) {
                throw new IllegalArgumentException("no function named " + n);
            }
            return context.getBean(n, Function.class);
        });
        return (O) metrics.timed(name, () -> function.apply(event));
    }

    @Override
    public void close() {
        context.close();
    }
}
