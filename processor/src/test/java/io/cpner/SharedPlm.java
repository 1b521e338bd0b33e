package io.cpner;

import io.cpner.model.Plm;
import io.cpner.model.loading.PlmLoader;

/** The PLMs, each loaded once per test JVM and shared by every test that needs the real model. */
public final class SharedPlm {
  private static Plm plm;
  private static Plm bertBaseCased;

  private SharedPlm() {}

  public static synchronized Plm get() {
    if (plm == null) {
      plm = PlmLoader.loadBundled();
      Runtime.getRuntime().addShutdownHook(new Thread(plm::close));
    }
    return plm;
  }

  /** Google's cased BERT-base, imported into the default cache on first use (about 20 s, once per machine). */
  public static synchronized Plm bertBaseCased() {
    if (bertBaseCased == null) {
      bertBaseCased = PlmLoader.loadBertBaseCased(PlmLoader.defaultCacheDir());
      Runtime.getRuntime().addShutdownHook(new Thread(bertBaseCased::close));
    }
    return bertBaseCased;
  }
}
