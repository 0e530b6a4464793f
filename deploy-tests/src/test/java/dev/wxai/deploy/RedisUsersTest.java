package dev.wxai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Production's Redis is least privilege: each Deployment of {@code kubectl kustomize k8s/overlays/prod} signs in as
 * its own user of {@code k8s/redis/users.acl}, and that file grants key patterns and commands, never everything.
 * What the users may and may not do on a real redis-server is proven by system-tests' RedisUsersIT and by the stack
 * tests, whose services run as these users.
 */
class RedisUsersTest {

    static final String SECRET = "wxai-redis-users";

    /** Which Deployment signs in as which Redis user. */
    private static final Map<String, String> USERS = Map.of(
            "gateway-service", "wxai-gateway",
            "wechat-ingress-service", "wxai-ingress",
            "ai-worker-service", "wxai-worker",
            "order-service", "wxai-order");

    @Test
    void eachServiceReadsItsOwnUsersRedisUrl() {
        for (Map.Entry<String, String> entry : USERS.entrySet()) {
            Map<String, Object> deployment = RenderedOverlay.find("prod", "Deployment", entry.getKey());
            Map<String, Object> container = Yamls.map(Yamls.listAt(deployment, "spec", "template", "spec", "containers").get(0));
            Object url = Yamls.list(container.get("env")).stream()
                    .filter(variable -> "SPRING_DATA_REDIS_URL".equals(Yamls.stringAt(variable, "name")))
                    .findFirst().orElseThrow();
            assertThat(Yamls.stringAt(url, "valueFrom", "secretKeyRef", "name")).as(entry.getKey()).isEqualTo(SECRET);
            assertThat(Yamls.stringAt(url, "valueFrom", "secretKeyRef", "key")).as(entry.getKey()).isEqualTo(entry.getValue());
        }
        assertThat(users().keySet()).containsExactlyInAnyOrder("default", "wxai-gateway", "wxai-ingress", "wxai-worker",
                "wxai-order");
    }

    @Test
    void theAclFileGrantsPatternsAndCommandsNeverEverythingAndHoldsNoPassword() {
        Map<String, List<String>> users = users();
        assertThat(users.get("default")).as("nobody gets in without a user").containsExactly("off");
        users.remove("default");
        users.forEach((user, rules) -> {
            assertThat(rules.subList(0, 3)).as(user + ": starts from nothing").containsExactly("on", "resetkeys", "resetchannels");
            assertThat(rules).as(user).contains("-@all")
                    .noneMatch(rule -> rule.startsWith(">") || rule.startsWith("#") || rule.equals("nopass"))
                    .noneMatch(rule -> rule.equals("~*") || rule.equals("allkeys") || rule.equals("allchannels")
                            || rule.equals("&*") || rule.equals("+@all") || rule.equals("allcommands"))
                    .noneMatch(rule -> rule.matches("[+]@?(flushall|flushdb|keys|config|debug|acl|@admin|@dangerous|script|module|shutdown)"));
            assertThat(rules.indexOf("-@all")).as(user + ": commands are added to nothing")
                    .isLessThan(rules.stream().filter(rule -> rule.startsWith("+")).map(rules::indexOf).min(Integer::compare).orElseThrow());
            assertThat(rules).as(user + ": keys under the services' prefix only, or the gateway's buckets")
                    .filteredOn(rule -> rule.startsWith("~") || rule.startsWith("%"))
                    .allMatch(rule -> rule.matches("%?[RW]*~(wxai:[a-z-]+[:*]|request_rate_limiter\\.\\*).*"));
        });
        assertThat(users.get("wxai-gateway")).as("the internet-facing gateway reaches its rate-limit buckets only")
                .filteredOn(rule -> rule.startsWith("~") || rule.startsWith("%") || rule.startsWith("&"))
                .containsExactly("~request_rate_limiter.*");
    }

    /** user -> rules, in the file's order. */
    private static Map<String, List<String>> users() {
        Map<String, List<String>> users = new TreeMap<>();
        for (String line : Repo.read(Repo.path("k8s", "redis", "users.acl")).split("\n")) {
            String[] words = line.strip().split("\\s+");
            assertThat(words[0]).as("a Redis ACL file has user lines only (no comments)").isEqualTo("user");
            users.put(words[1], new java.util.ArrayList<>(Arrays.asList(words).subList(2, words.length)));
        }
        return users;
    }
}
