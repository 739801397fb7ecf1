package io.mediamesh.interop;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;

/**
 * Curator x-discovery probe for mediamesh's interop test, with the serializer a Java
 * service would use: JsonInstanceSerializer with payload class Map.
 *
 *   register <zk> <basePath> <name> <id> <address> <port>   registers, prints {"registered":true}, stays until stdin closes
 *   discover <zk> <basePath> <name>                          prints {"instances":[...]} as Curator reads them
 */
public final class CuratorProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings({"rawtypes", "unchecked"})
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: register <zk> <base> <name> <id> <address> <port> | discover <zk> <base> <name>");
            System.exit(2);
        }
        String mode = args[0];
        try (CuratorFramework client = CuratorFrameworkFactory.newClient(args[1], new ExponentialBackoffRetry(200, 5))) {
            client.start();
            client.blockUntilConnected();
            JsonInstanceSerializer<Map> serializer = new JsonInstanceSerializer<>(Map.class);
            ServiceDiscovery<Map> discovery = ServiceDiscoveryBuilder.builder(Map.class)
                .client(client).basePath(args[2]).serializer(serializer).build();
            discovery.start();
            if (mode.equals("register")) {
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("version", "java-1");
                payload.put("zone", "zone-j");
                payload.put("weight", 3);
                payload.put("health", "SERVING");
                payload.put("services", List.of("io.example.Greeter"));
                ServiceInstance<Map> instance = ServiceInstance.<Map>builder()
                    .name(args[3]).id(args[4]).address(args[5]).port(Integer.parseInt(args[6]))
                    .payload(payload).uriSpec(new UriSpec("{scheme}://{address}:{port}")).build();
                discovery.registerService(instance);
                System.out.println("{\"registered\":true}");
                System.out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
                while (in.readLine() != null) { /* wait for stdin to close */ }
                discovery.unregisterService(instance);
            } else {
                Collection<ServiceInstance<Map>> found = discovery.queryForInstances(args[3]);
                List<Map<String, Object>> out = new ArrayList<>();
                for (ServiceInstance<Map> i : found) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", i.getName());
                    m.put("id", i.getId());
                    m.put("address", i.getAddress());
                    m.put("port", i.getPort());
                    m.put("enabled", i.isEnabled());
                    m.put("serviceType", String.valueOf(i.getServiceType()));
                    m.put("registrationTimeUTC", i.getRegistrationTimeUTC());
                    m.put("uri", i.buildUriSpec());
                    m.put("payloadClass", i.getPayload() == null ? null : i.getPayload().getClass().getName());
                    m.put("payload", i.getPayload());
                    out.add(m);
                }
                System.out.println(JSON.writeValueAsString(Map.of("instances", out)));
            }
            discovery.close();
        }
    }
}
