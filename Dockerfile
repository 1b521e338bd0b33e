# cpner-stream processor image: built with Maven, run on a JRE. Everything (libtorch, the PLM,
# Kafka clients) comes from Maven Central at build time; nothing is downloaded at run time.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY schemas schemas
COPY processor processor
COPY testkit testkit
COPY ops ops
# TensorFlow (and its ndarray and javacpp) is only the benchmark's peer (cpner bench), not part of the processor image
RUN mvn -B -q -DskipTests package && rm -f ops/target/lib/tensorflow-core-* ops/target/lib/ndarray-* ops/target/lib/javacpp-*

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/ops/target/cpner-ops-*.jar /app/cpner.jar
COPY --from=build /src/ops/target/lib /app/lib
COPY prefixes /app/prefixes
COPY ops/config /app/config
RUN useradd --system --home /app cpner && mkdir -p /app/state /app/plm-cache && chown cpner /app/state /app/plm-cache
USER cpner
ENV CPNER_STATE_DIR=/app/state CPNER_PLM_CACHE_DIR=/app/plm-cache CPNER_HTTP_BIND_ADDRESS=0.0.0.0 JAVA_OPTS="-Xmx3g"
# /metrics, /health, /ready
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -Dai.djl.offline=true -cp '/app/cpner.jar:/app/lib/*' io.cpner.ops.Cpner \"$@\"", "cpner"]
CMD ["run", "--config", "/app/config/processor.properties"]
