# syntax=docker/dockerfile:1
#
# One image per service, all from this file:
#   docker build --build-arg MODULE=wechat-ingress-service -t wxai/wechat-ingress-service:dev .
# bin/images builds (and pushes) all five; docker compose builds them the same way.
#
# Stage 1 builds the module's runnable jar with Maven (dependencies cached across builds), stage 2 splits it into
# Spring Boot's layers, so that a code change rebuilds only the thin `application` layer of the image. The runtime
# is a JRE, runs as an unprivileged numeric user, sizes its heap from the container's memory limit, and reports
# health from the service's own liveness group (on its management port, when it has one). The AI worker's image also
# carries a Class Data Sharing archive from a training start, which its pods use (k8s/base/ai-worker-service).
# Not built on the machine these files were written on (no Docker engine there): deploy-tests checks this file
# against the modules and the jar's layer index instead.

FROM maven:3.9-eclipse-temurin-17 AS build
ARG MODULE
WORKDIR /src
COPY . .
# sharing=locked: builds of several modules at once (docker compose build) must not write one local repository
# concurrently.
RUN --mount=type=cache,target=/root/.m2,sharing=locked \
    test -n "${MODULE}" || { echo "build with --build-arg MODULE=<module>, e.g. MODULE=gateway-service" >&2; exit 1; }; \
    test -f "${MODULE}/pom.xml" || { echo "no module ${MODULE} in this repository" >&2; exit 1; }; \
    mvn -B -ntp -pl "${MODULE}" -am package -DskipTests \
    && cp "${MODULE}/target/${MODULE}-"*"-exec.jar" /tmp/application.jar

# Each service's server.port and, where its actuator has a port of its own, its management.server.port (both from
# its application.yml). The health check below asks the management port when the image has one (no public port
# serves /actuator), else the server port (the worker's only port is its actuator's); MANAGEMENT_SERVER_PORT and
# SERVER_PORT override them.
RUN management=""; \
    case "${MODULE}" in \
      gateway-service) port=8080; management=8180 ;; \
      wechat-ingress-service) port=8081; management=8181 ;; \
      ai-worker-service) port=8182 ;; \
      order-service) port=8083; management=8183 ;; \
      sandbox) port=8090 ;; \
      *) echo "no port known for ${MODULE}: add it here" >&2; exit 1 ;; \
    esac; \
    echo "${port}" > /tmp/server-port; \
    printf '%s' "${management}" > /tmp/management-port

# Spring Boot's layers (BOOT-INF/layers.idx): dependencies, spring-boot-loader, snapshot-dependencies, application.
# Extracted as a plain jar (application/application.jar) whose manifest names lib/*.jar, not for Boot's launcher:
# Class Data Sharing archives only classes the JDK's own class loaders load.
RUN java -Djarmode=tools -jar /tmp/application.jar extract --layers --destination /tmp/extracted


FROM eclipse-temurin:17-jre-noble
ARG MODULE
LABEL org.opencontainers.image.title="wxai ${MODULE}"
RUN groupadd --system --gid 10001 wxai \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin wxai
WORKDIR /app
# Least likely to change first: a new build usually only replaces the last layer.
COPY --from=build /tmp/extracted/dependencies/ ./
COPY --from=build /tmp/extracted/spring-boot-loader/ ./
COPY --from=build /tmp/extracted/snapshot-dependencies/ ./
COPY --from=build /tmp/extracted/application/ ./
COPY --from=build /tmp/server-port /app/server-port
COPY --from=build /tmp/management-port /app/management-port
# The worker's training start for Class Data Sharing (Spring Boot's recipe: the context refreshes, no bean starts,
# nothing connects to Redis or Kafka): the classes it loads are archived in application.jsa, which a pod maps
# instead of loading and verifying them again (-XX:SharedArchiveFile in its JAVA_TOOL_OPTIONS): start-up CPU -40%
# (bench/RESULTS.md, issue 19). MaxRAM=1g and G1 as in the pod: an archive made with other compressed-oops settings
# is ignored at run time (with a warning; the JVM then starts without it). The archive records the class path as
# the training start saw it (application.jar and lib/*.jar, relative to /app): a JVM started from another working
# directory ignores it the same way, so the ENTRYPOINT below starts in /app and pods must not set workingDir.
RUN if [ "${MODULE}" = "ai-worker-service" ]; then \
      java -XX:MaxRAM=1g -XX:+UseG1GC -XX:ArchiveClassesAtExit=application.jsa -Dspring.context.exit=onRefresh \
        -jar application.jar; \
    fi
# The heap follows the container's memory limit (Kubernetes resources, compose deploy.resources); the rest of
# the limit is left for metaspace, threads and Netty's direct buffers. An OutOfMemoryError ends the JVM so that
# the orchestrator restarts it instead of leaving a half-broken service running.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
# curl is part of eclipse-temurin's Ubuntu images. The liveness group answers 200 while the JVM and Spring are
# alive; readiness (which may depend on Redis or Kafka) is for load balancers, not for restarts. The actuator's port:
# MANAGEMENT_SERVER_PORT, else the image's management port, else the server port (SERVER_PORT, else the image's).
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=3 \
    CMD port="${MANAGEMENT_SERVER_PORT:-$(cat /app/management-port)}"; \
        curl -fsS -o /dev/null "http://127.0.0.1:${port:-${SERVER_PORT:-$(cat /app/server-port)}}/actuator/health/liveness" || exit 1
ENTRYPOINT ["java", "-jar", "application.jar"]
