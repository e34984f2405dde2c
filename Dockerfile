# ddblocal: a DynamoDB-compatible server, and a drop-in for the
# amazon/dynamodb-local image (same port, same flags, same working
# directory).
#
#   docker build -t ddblocal .
#   docker run --rm -p 8000:8000 ddblocal
#   docker run --rm -p 8000:8000 -v ddb-data:/home/dynamodblocal/data ddblocal -sharedDb -dbPath ./data
#
# .ci/run builds the binary the same way (CGO_ENABLED=0), so this recipe
# stays honest where Docker is not available.

ARG GO_VERSION=1.24

FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# VERSION is what -version reports, e.g. --build-arg VERSION=v0.1.0.
ARG VERSION=
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
        -o /out/ddblocal ./cmd/ddblocal \
    && mkdir -p /out/home/dynamodblocal/data

FROM scratch
COPY --from=build /out/ddblocal /usr/local/bin/ddblocal
COPY --from=build --chown=65532:65532 /out/home/dynamodblocal /home/dynamodblocal
USER 65532:65532
WORKDIR /home/dynamodblocal
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/ddblocal", "-healthcheck", "-port", "8000"]
ENTRYPOINT ["/usr/local/bin/ddblocal"]
CMD ["-port", "8000", "-inMemory", "-sharedDb"]
