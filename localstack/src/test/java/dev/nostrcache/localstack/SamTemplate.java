package dev.nostrcache.localstack;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The SAM template as plain maps, with CloudFormation's short tags turned into their long forms:
 * {@code !Ref X} becomes {@code {Ref: X}}, {@code !GetAtt A.B} becomes {@code {Fn::GetAtt: [A, B]}}, and so on.
 */
final class SamTemplate {
    private static final List<String> FUNCTIONS = List.of("Sub", "GetAtt", "If", "Equals", "Not", "And", "Or",
            "Select", "Join", "Split", "FindInMap", "ImportValue", "GetAZs", "Base64", "Cidr", "Condition",
            "Transform", "ToJsonString", "Length");

    final Map<String, Object> root;

    private SamTemplate(Map<String, Object> root) {
        this.root = root;
    }

    static SamTemplate load(Path file) throws IOException {
        Yaml yaml = new Yaml(new CloudFormationConstructor());
        return new SamTemplate(yaml.load(Files.readString(file)));
    }

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> resources() {
        return (Map<String, Map<String, Object>>) root.get("Resources");
    }

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> parameters() {
        return (Map<String, Map<String, Object>>) root.getOrDefault("Parameters", Map.of());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
    }

    private static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor() {
            super(new LoaderOptions());
            yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
            for (String fn : FUNCTIONS) {
                yamlConstructors.put(new Tag("!" + fn), new Intrinsic("Fn::" + fn));
            }
        }

        private final class Intrinsic extends AbstractConstruct {
            private final String key;

            Intrinsic(String key) {
                this.key = key;
            }

            @Override
            public Object construct(Node node) {
                Object value;
                if (node instanceof ScalarNode scalar) {
                    String text = constructScalar(scalar);
                    value = key.equals("Fn::GetAtt") ? Arrays.asList(text.split("\\.", 2)) : text;
                } else if (node instanceof SequenceNode sequence) {
                    value = constructSequence(sequence);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                return Map.of(key, value);
            }
        }
    }
}
