package io.nokv.redis.keyspace;

/**
 * Redis's glob patterns for KEYS and SCAN MATCH ({@code stringmatchlen}): {@code *} any run,
 * {@code ?} one byte, {@code [abc]}, {@code [^abc]}, {@code [a-z]}, and {@code \} to escape.
 * Matching is on bytes, so binary keys work.
 */
public final class GlobPattern {
    private final byte[] pattern;

    public GlobPattern(byte[] pattern) {
        this.pattern = pattern;
    }

    /** True for {@code *}, which every key matches (callers skip the check). */
    public boolean matchesAll() {
        return pattern.length == 1 && pattern[0] == '*';
    }

    public boolean matches(byte[] key) {
        return match(0, key, 0);
    }

    private boolean match(int p, byte[] s, int i) {
        while (p < pattern.length) {
            byte c = pattern[p];
            switch (c) {
                case '*' -> {
                    while (p + 1 < pattern.length && pattern[p + 1] == '*') {
                        p++;
                    }
                    if (p + 1 == pattern.length) {
                        return true;
                    }
                    for (int j = i; j <= s.length; j++) {
                        if (match(p + 1, s, j)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (i >= s.length) {
                        return false;
                    }
                    i++;
                }
                case '[' -> {
                    if (i >= s.length) {
                        return false;
                    }
                    p++;
                    boolean not = p < pattern.length && pattern[p] == '^';
                    if (not) {
                        p++;
                    }
                    boolean found = false;
                    while (p < pattern.length && pattern[p] != ']') {
                        if (pattern[p] == '\\' && p + 1 < pattern.length) {
                            p++;
                            found |= pattern[p] == s[i];
                        } else if (p + 2 < pattern.length && pattern[p + 1] == '-' && pattern[p + 2] != ']') {
                            int lo = pattern[p] & 0xFF;
                            int hi = pattern[p + 2] & 0xFF;
                            if (lo > hi) {
                                int t = lo;
                                lo = hi;
                                hi = t;
                            }
                            int b = s[i] & 0xFF;
                            found |= b >= lo && b <= hi;
                            p += 2;
                        } else {
                            found |= pattern[p] == s[i];
                        }
                        p++;
                    }
                    if (found == not) {
                        return false;
                    }
                    i++;
                }
                case '\\' -> {
                    if (p + 1 < pattern.length) {
                        p++;
                    }
                    if (i >= s.length || pattern[p] != s[i]) {
                        return false;
                    }
                    i++;
                }
                default -> {
                    if (i >= s.length || c != s[i]) {
                        return false;
                    }
                    i++;
                }
            }
            p++;
        }
        return i == s.length;
    }
}
