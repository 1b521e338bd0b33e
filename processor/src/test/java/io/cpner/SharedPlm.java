package io.cpner;

import io.cpner.model.Plm;
import io.cpner.model.PlmLoader;

/** The default PLM, loaded once per test JVM and shared by every test that needs the real model. */
public final class SharedPlm {
  private static Plm plm;

  private SharedPlm() {}

  public static synchronized Plm get() {
    if (plm == null) {
      plm = PlmLoader.loadDefault();
      Runtime.getRuntime().addShutdownHook(new Thread(plm::close));
    }
    return plm;
  }
}
