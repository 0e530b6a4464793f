package dev.wxai.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A KRaft broker of a test's own, in this JVM, that lets in only SCRAM-SHA-512 users and authorises every request
 * against ACLs (StandardAuthorizer, nothing allowed without an ACL): production's Kafka (k8s/overlays/prod,
 * kafka-users.yaml) in small. The test kit's own super user ({@code plain-admin}, PLAIN) sets it up: the users, the
 * topics and the ACLs a test grants.
 */
public final class ScramBroker implements KafkaBroker, AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private final Properties adminProperties;

    private ScramBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        this.adminProperties = cluster.clientProperties();
        // The test kit's own super user, from the JAAS file it writes for SASL_PLAINTEXT clusters.
        adminProperties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        adminProperties.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        adminProperties.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"plain-admin\" password=\"plain-admin-secret\";");
    }

    /** Starts the broker with these topics (12 partitions each, as the services expect at most). */
    public static ScramBroker start(String... topics) {
        try {
            TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                    .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT).build();
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                    // PLAIN stays for the kit's admin between brokers; clients sign in with SCRAM.
                    .setConfigProp("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512")
                    .setConfigProp("listener.name.external.scram-sha-512.sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                    .setConfigProp("allow.everyone.if.no.acl.found", "false")
                    // The controller listener stays plaintext inside this JVM: its anonymous principal is the broker
                    // registering itself. Clients only reach the SASL listener (bootstrapServers()).
                    .setConfigProp("super.users", "User:plain-admin;User:ANONYMOUS")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            ScramBroker broker = new ScramBroker(cluster);
            try (Admin admin = broker.admin()) {
                List<NewTopic> created = new ArrayList<>();
                for (String topic : topics) {
                    created.add(new NewTopic(topic, 12, (short) 1));
                }
                admin.createTopics(created).all().get(30, TimeUnit.SECONDS);
            }
            return broker;
        } catch (Exception e) {
            throw new IllegalStateException("could not start the SCRAM broker", e);
        }
    }

    /** Creates (or replaces) the SCRAM-SHA-512 credential of {@code user}. */
    public ScramBroker user(String user, String password) {
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get(30, TimeUnit.SECONDS);
            return this;
        } catch (Exception e) {
            throw new IllegalStateException("could not create Kafka user " + user, e);
        }
    }

    /** Allows {@code user} these operations on one literal resource (a topic or a consumer group). */
    public ScramBroker allow(String user, ResourceType type, String name, AclOperation... operations) {
        List<AclBinding> bindings = new ArrayList<>();
        for (AclOperation operation : operations) {
            bindings.add(new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                    new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
        }
        try (Admin admin = admin()) {
            admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
            return this;
        } catch (Exception e) {
            throw new IllegalStateException("could not create ACLs for " + user, e);
        }
    }

    /**
     * The Spring properties a service signs in with as {@code user}: the same {@code WXAI_KAFKA_*} settings production
     * uses, with SASL_PLAINTEXT instead of SASL_SSL.
     */
    public Map<String, String> clientProperties(String user, String password) {
        return Map.of(
                "spring.kafka.bootstrap-servers", bootstrapServers(),
                "WXAI_KAFKA_SECURITYPROTOCOL", "SASL_PLAINTEXT",
                "WXAI_KAFKA_USERNAME", user,
                "WXAI_KAFKA_PASSWORD", password,
                // As in production, where Strimzi owns the topics and the users may not create them.
                "spring.kafka.admin.auto-create", "false");
    }

    /** An admin client of the broker's super user, for a test's own checks. */
    public Admin admin() {
        return Admin.create(adminProperties);
    }

    /** Raw client settings of the super user (to read what a service wrote). */
    public Properties superUserProperties() {
        Properties copy = new Properties();
        copy.putAll(adminProperties);
        return copy;
    }

    /** Every record of {@code topic}, read as the super user. */
    public List<ConsumerRecord<String, String>> read(String topic) {
        Properties properties = superUserProperties();
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /**
     * Sends one record as {@code user} with the client settings a service uses, and answers why the broker refused
     * it, or null when it took it.
     */
    public Throwable sendAs(String user, String password, String topic, String key, String value) {
        Properties properties = new Properties();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        properties.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        properties.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(20, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    @Override
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
