package ddb_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/ddb-go/ddb"
	"github.com/ddb-go/ddb/ddbtest"
)

// Author and Post share one table: an author's partition holds the
// profile and the posts.
type Author struct {
	Handle string
	Name   string
}

type Post struct {
	Author string
	Slug   string
	At     time.Time
}

func ExampleDefineEntity() {
	srv := ddbtest.NewUnstartedServer()
	defer srv.Close()
	ctx := context.Background()

	blog, err := ddb.NewSingleTable(srv.Client(), "blog") // string keys PK and SK
	if err != nil {
		log.Fatal(err)
	}
	authors, err := ddb.DefineEntity[Author](blog, "Author", ddb.Keys("AUTHOR#{Handle}", "PROFILE"))
	if err != nil {
		log.Fatal(err)
	}
	posts, err := ddb.DefineEntity[Post](blog, "Post", ddb.Keys("AUTHOR#{Author}", "POST#{At:2006-01-02}#{Slug}"))
	if err != nil {
		log.Fatal(err)
	}
	if err := blog.Table().CreateTable(ctx); err != nil {
		log.Fatal(err)
	}

	_ = authors.Put(ctx, Author{Handle: "ada", Name: "Ada"})
	_ = posts.Put(ctx, Post{Author: "ada", Slug: "engines", At: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)})
	_ = posts.Put(ctx, Post{Author: "ada", Slug: "notes", At: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)})

	// One query reads the author's whole item collection.
	for it, err := range authors.Collection(Author{Handle: "ada"}).All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		switch v := it.Value().(type) {
		case Author:
			fmt.Println("author", v.Name)
		case Post:
			fmt.Println("post", v.Slug, v.At.Format("2006-01-02"))
		case ddb.Unknown:
			fmt.Println("item of unknown type", v.Type)
		}
	}
	// Output:
	// post engines 2024-05-01
	// post notes 2024-06-01
	// author Ada
}

func ExampleAs() {
	srv := ddbtest.NewUnstartedServer()
	defer srv.Close()
	ctx := context.Background()
	blog, _ := ddb.NewSingleTable(srv.Client(), "blog")
	_, _ = ddb.DefineEntity[Author](blog, "Author", ddb.Keys("AUTHOR#{Handle}", "PROFILE"))
	posts, _ := ddb.DefineEntity[Post](blog, "Post", ddb.Keys("AUTHOR#{Author}", "POST#{At:2006-01-02}#{Slug}"))
	_ = blog.Table().CreateTable(ctx)
	_ = posts.Put(ctx, Post{Author: "ada", Slug: "engines", At: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)})

	for it, err := range blog.Query("AUTHOR#ada").All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		if p, ok := ddb.As[Post](it); ok {
			fmt.Println(it.Type(), p.Slug)
		}
	}
	// Output: Post engines
}
