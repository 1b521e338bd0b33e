package io.cpner.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime's process-wide environment, kept alive until the process ends.
 *
 * <p>ONNX Runtime's Java binding releases its native environment from a JVM shutdown hook of its own.
 * Shutdown hooks run concurrently with one another and with the threads still working, so a SIGTERM,
 * Ctrl-C or {@code System.exit} that arrives while a thread is encoding (a {@code cpner eval} on its
 * main thread, say) freed the environment under that thread's passes, and the JVM died with SIGSEGV
 * in {@code libonnxruntime.so} instead of shutting down (onnxruntime issue 31352). The native
 * environment is reference-counted: one more reference, taken here and never given back, turns the
 * binding's release into a decrement, and the operating system reclaims the environment with the
 * process. Every ONNX Runtime session of the project takes its environment from {@link #get()}.
 */
public final class PinnedOrtEnvironment {
  private static final Logger LOG = LoggerFactory.getLogger(PinnedOrtEnvironment.class);
  private static boolean pinned;

  private PinnedOrtEnvironment() {}

  /** The environment, with the extra native reference taken on the first call. */
  public static synchronized OrtEnvironment get() {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    if (!pinned) {
      pinned = true;
      pin();
    }
    return env;
  }

  /** Asks the native API for the environment once more: it returns the same one, one reference up. */
  private static void pin() {
    try {
      Field api = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("ortApiHandle");
      api.setAccessible(true);
      Method createHandle = OrtEnvironment.class.getDeclaredMethod("createHandle", long.class, int.class, String.class);
      createHandle.setAccessible(true);
      createHandle.invoke(null, api.getLong(null), OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING.getValue(), "cpner-pin");
    } catch (InvocationTargetException e) {
      warn(e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      warn(e);
    }
  }

  private static void warn(Throwable cause) {
    LOG.warn("could not keep ONNX Runtime's environment alive past its shutdown hook ({}): a shutdown during a "
        + "forward pass may crash the JVM", cause.toString());
  }
}
