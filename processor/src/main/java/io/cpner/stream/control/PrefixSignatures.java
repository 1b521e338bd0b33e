package io.cpner.stream.control;

import io.cpner.avro.PrefixUpdate;
import io.cpner.avro.SourceDomain;
import io.cpner.prefix.Ed25519Keys;
import io.cpner.prefix.PrefixSigningKey;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Ed25519 signatures on {@link PrefixUpdate}s: the one definition of what is signed.
 *
 * <p>The signature covers the <em>canonical form</em> of the update: every field except
 * {@code signature} and {@code keyId} (which only picks the verifying key), with the tensors covered
 * through their SHA-256 ({@code sha256}). A verifier must therefore also check that the tensors it
 * received hash to that {@code sha256}; {@link PrefixUpdateVerifier} does so before it verifies the
 * signature. The canonical form, version 1, is the concatenation of:
 * <pre>
 *   string   "cpner-prefix-update-v1"           (domain separation: no other message can collide)
 *   string   domain
 *   long     version
 *   string   kind                               (the enum symbol, e.g. TRAINED)
 *   int      number of sources, then for each:  string domain, double weight
 *   int      number of labels, then each:       string label
 *   string   headInput                          (the enum symbol)
 *   string   sha256                             (hex SHA-256 of the tensors, as in the record)
 *   string   plm.id
 *   string   plm.sha256
 *   optional double devF1
 *   optional string trainingDataSha256
 *   string   createdAt
 * </pre>
 * where {@code int} is 4 bytes and {@code long} 8 bytes, big-endian two's complement; {@code double}
 * is the 8 bytes, big-endian, of its IEEE 754 binary64 bits (every NaN written as the one canonical
 * NaN); {@code string} is an {@code int} byte count followed by the UTF-8 bytes; {@code optional} is one
 * byte, 0 (absent, nothing follows) or 1 (the value follows).
 */
public final class PrefixSignatures {
  /** The first string of the canonical form; a new layout gets a new one. */
  public static final String CONTEXT = "cpner-prefix-update-v1";
  /** Length of an Ed25519 signature. */
  public static final int SIGNATURE_BYTES = 64;

  private PrefixSignatures() {}

  /** The bytes that are signed: see the class documentation for the exact layout. */
  public static byte[] canonicalBytes(PrefixUpdate update) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      string(out, CONTEXT);
      string(out, update.getDomain());
      out.writeLong(update.getVersion());
      string(out, update.getKind().name());
      out.writeInt(update.getSources().size());
      for (SourceDomain source : update.getSources()) {
        string(out, source.getDomain());
        out.writeLong(Double.doubleToLongBits(source.getWeight()));
      }
      out.writeInt(update.getLabels().size());
      for (String label : update.getLabels()) {
        string(out, label);
      }
      string(out, update.getHeadInput().name());
      string(out, update.getSha256());
      string(out, update.getPlm().getId());
      string(out, update.getPlm().getSha256());
      out.writeBoolean(update.getDevF1() != null);
      if (update.getDevF1() != null) {
        out.writeLong(Double.doubleToLongBits(update.getDevF1()));
      }
      out.writeBoolean(update.getTrainingDataSha256() != null);
      if (update.getTrainingDataSha256() != null) {
        string(out, update.getTrainingDataSha256());
      }
      string(out, update.getCreatedAt());
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  /** A copy of {@code update} signed by {@code key}: its {@code signature} and {@code keyId} set. */
  public static PrefixUpdate sign(PrefixUpdate update, PrefixSigningKey key) {
    try {
      Signature signer = Signature.getInstance(Ed25519Keys.ALGORITHM);
      signer.initSign(key.privateKey());
      signer.update(canonicalBytes(update));
      return PrefixUpdate.newBuilder(update).setKeyId(key.keyId()).setSignature(ByteBuffer.wrap(signer.sign())).build();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java 17 runtime has Ed25519", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with key '" + key.keyId() + "': " + e.getMessage(), e);
    }
  }

  /**
   * Whether the update's {@code signature} is {@code key}'s over its canonical form. Does not look at
   * the tensors themselves; see the class documentation.
   *
   * @throws IllegalArgumentException if the update has no signature, or one that is not 64 bytes
   */
  public static boolean verify(PrefixUpdate update, PublicKey key) {
    if (update.getSignature() == null) {
      throw new IllegalArgumentException("the update is not signed");
    }
    byte[] signature = new byte[update.getSignature().remaining()];
    update.getSignature().duplicate().get(signature);
    if (signature.length != SIGNATURE_BYTES) {
      throw new IllegalArgumentException("expected a " + SIGNATURE_BYTES + "-byte Ed25519 signature, found " + signature.length
          + " bytes");
    }
    try {
      Signature verifier = Signature.getInstance(Ed25519Keys.ALGORITHM);
      verifier.initVerify(key);
      verifier.update(canonicalBytes(update));
      return verifier.verify(signature);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java 17 runtime has Ed25519", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot verify the signature: " + e.getMessage(), e);
    }
  }

  private static void string(DataOutputStream out, String value) throws IOException {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }
}
