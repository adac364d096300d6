package io.nokv.node.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostPortTest {
    @Test
    void parsesHostsAndIpv6() {
        assertEquals(new HostPort("127.0.0.1", 20170), HostPort.parse("addr", "127.0.0.1:20170"));
        assertEquals(new HostPort("[::1]", 1), HostPort.parse("addr", "[::1]:1"));
        assertEquals("nokv-node1:20260", HostPort.parse("addr", "nokv-node1:20160").offset("raft", 100).toString());
    }

    @Test
    void rejectsMalformed() {
        for (String bad : new String[] {"localhost", ":80", "host:", "host:0", "host:65536", "host:8x", "a b:1", "::1:80"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> HostPort.parse("stores[0].addr", bad), bad);
            assertTrue(e.getMessage().contains("stores[0].addr") && e.getMessage().contains(bad), e.getMessage());
        }
        assertThrows(ConfigException.class, () -> HostPort.parse("a", "h:65500").offset("raft", 100));
    }

    @Test
    void onlyAListenAddressMayAskForAnyPort() {
        assertEquals(new HostPort("127.0.0.1", 0), HostPort.parseBindable("raft address", "127.0.0.1:0"));
        assertThrows(ConfigException.class, () -> HostPort.parse("addr", "127.0.0.1:0"));
        ConfigException e = assertThrows(ConfigException.class, () -> HostPort.parseBindable("raft address", "nonsense"));
        assertTrue(e.getMessage().contains("raft address"), e.getMessage());
        assertThrows(ConfigException.class, () -> HostPort.parseBindable("raft address", null));
    }

    @Test
    void rejectsAHostLongerThanAnyDnsName() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> HostPort.parse("stores[0].addr", "h".repeat(100_000) + ":20160"));
        assertTrue(e.getMessage().contains("100000 characters") && e.getMessage().length() < 200, e.getMessage());
        assertEquals(253, HostPort.parse("a", "h".repeat(253) + ":1").host().length());
    }
}
