package dev.nostrcache.localstack;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * The fixed account, region and credentials of the embedded AWS stand-ins. They are not secrets: the emulators
 * listen on loopback only and exist to make the real SDK clients sign and send real requests.
 */
public final class LocalAws {
    public static final String REGION = "us-east-1";
    public static final String ACCOUNT_ID = "000000000000";
    public static final String ACCESS_KEY_ID = "local";
    public static final String SECRET_ACCESS_KEY = "local-secret";
    public static final String HOST = "127.0.0.1";
    private static final int MAX_CONNECTIONS = 1200;

    private LocalAws() {
    }

    /** The local clients' HTTP: Apache's pool checks a connection before reusing it (the JDK's HttpURLConnection reused connections an emulator had closed, and a PUT failed); enough connections for every long-polling mapping. */
    static SdkHttpClient httpClient() {
        return ApacheHttpClient.builder().maxConnections(MAX_CONNECTIONS).build();
    }

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
    }

    /** A client whose connections close with it: a receive waiting on one of them then ends at once. */
    public static SqsClient sqs(URI endpoint) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(MAX_CONNECTIONS))
                .overrideConfiguration(c -> c.addExecutionInterceptor(new SqsBodyCheck()))
                // An MD5 of every body sent and received guards against corruption in transit, which TCP's own
                // checks already catch on the short way to an emulator; it cost a pass over every byte twice.
                .checksumValidationEnabled(false)
                .build();
    }

    public static S3Client s3(URI endpoint) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(credentials())
                .forcePathStyle(true)
                // S3Proxy accepts plain payloads; skip the SDK's default streaming checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .httpClient(httpClient())
                .build();
    }

    public static S3Presigner s3Presigner(URI endpoint) {
        return S3Presigner.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }
}
