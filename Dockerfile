# syntax=docker/dockerfile:1
# The gateway or the worker for the scaled-out topology (docker-compose.yml): build with --build-arg APP=gateway|worker.
# The gateway serves the caseworker console from dist/console (ADR 0018).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY workflows ./workflows
COPY scripts ./scripts
RUN npm run build && npm run build:console && npm prune --omit=dev

FROM node:24-bookworm-slim
ARG APP
ENV NODE_ENV=production KAFKAJS_NO_PARTITIONER_WARNING=1 WORKER_BUNDLE_PATH=/app/dist/workflow-bundle.js APP=${APP}
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
CMD ["sh", "-c", "exec node --enable-source-maps dist/apps/${APP}/src/main.js"]
