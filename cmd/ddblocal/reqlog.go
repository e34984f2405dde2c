package main

import (
	"context"
	"io"
	"log/slog"

	"github.com/ddb-go/ddb/internal/console"
)

// logRecord returns a subscriber of the request recorder that logs every
// answered request to log: operation, table(s), HTTP status, duration, and
// the error type of a failed request.
func logRecord(log *slog.Logger) func(console.Record) {
	return func(r console.Record) {
		attrs := []slog.Attr{
			slog.String("op", r.Operation),
			slog.String("table", r.Table),
			slog.Int("status", r.Status),
			slog.Duration("duration", r.Duration),
		}
		if r.Error != "" {
			attrs = append(attrs, slog.String("error", r.Error))
		}
		log.LogAttrs(context.Background(), slog.LevelInfo, "request", attrs...)
	}
}

// newRequestLogger returns the request log's logger, writing text or JSON
// lines to w.
func newRequestLogger(w io.Writer, json bool) *slog.Logger {
	if json {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
