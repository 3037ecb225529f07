package dev.nostrcache.infra.aws;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Reads a secret's string from AWS Secrets Manager (on AWS the admin token lives there, not in the environment). */
public final class Secrets {
    private Secrets() {
    }

    public static String read(String secretArn) {
        try (SecretsManagerClient client = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
            return client.getSecretValue(r -> r.secretId(secretArn)).secretString();
        }
    }
}
