package io.cpner.prefix;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The installed prefix of every domain. Installing is atomic per domain and only ever moves a
 * domain forward: a version not newer than the installed one is refused. Readers get an immutable
 * {@link DomainPrefix}, so a batch uses one consistent version even if a swap happens meanwhile.
 */
public final class PrefixRegistry {
  /** What happened to an offered prefix. */
  public enum InstallResult { INSTALLED, STALE }

  private final Map<String, DomainPrefix> byDomain = new ConcurrentHashMap<>();

  /** Installs the prefix unless its domain already has the same or a newer version. */
  public InstallResult install(DomainPrefix prefix) {
    boolean[] installed = {false};
    byDomain.compute(prefix.domain(), (domain, current) -> {
      if (current == null || prefix.version() > current.version()) {
        installed[0] = true;
        return prefix;
      }
      return current;
    });
    return installed[0] ? InstallResult.INSTALLED : InstallResult.STALE;
  }

  /** The installed version of a domain, or -1. */
  public long installedVersion(String domain) {
    DomainPrefix p = byDomain.get(domain);
    return p == null ? -1 : p.version();
  }

  public Optional<DomainPrefix> get(String domain) {
    return Optional.ofNullable(byDomain.get(domain));
  }

  /** Domain to installed version, a snapshot. */
  public Map<String, Long> versions() {
    Map<String, Long> out = new java.util.TreeMap<>();
    byDomain.forEach((d, p) -> out.put(d, p.version()));
    return out;
  }

  public int size() {
    return byDomain.size();
  }
}
