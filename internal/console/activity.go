package console

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

// activity shows the recent requests, newest first; the page's script
// adds new ones as they come.
func (c *console) activity(w http.ResponseWriter, r *http.Request) {
	var recs []Record
	if c.opts.Recorder != nil {
		recs = c.opts.Recorder.Recent(0)
		slices.Reverse(recs)
	}
	c.render(w, r, http.StatusOK, "activity", page{Title: "Activity", Data: recs})
}

// activityJSON is the records after the sequence number in ?after=, oldest
// first, for the activity page's script.
func (c *console) activityJSON(w http.ResponseWriter, r *http.Request) {
	recs := []Record{}
	if c.opts.Recorder != nil {
		after, _ := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
		recs = c.opts.Recorder.Recent(after)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(recs)
}
