package ddbtest

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Tagging: TagResource, UntagResource, ListTagsOfResource and the Tags of
// CreateTable. A table's tags are part of its definition (tableMeta.Tags),
// so a durable store keeps them.

// tag is one tag on the wire.
type tag struct {
	Key   *string
	Value *string
}

// maxTags is how many tags a table can carry.
const maxTags = 50

// tableArnPattern is the shape of a table ARN DynamoDB accepts; anyArn is
// the looser shape below which it answers AccessDeniedException.
var (
	tableArnPattern = regexp.MustCompile(`^arn:aws:dynamodb:.+:\d+:table/[^/]{2}[^/]+$`)
	anyArn          = regexp.MustCompile(`^.+:.+:.+:.+:.+:.+/.+$`)
)

// tagConstraints returns the constraint violations of tags at field
// ("tags"), in DynamoDB's member order.
func tagConstraints(tags []tag, field string) []string {
	var msgs []string
	for i, t := range tags {
		at := field + "." + strconv.Itoa(i+1) + ".member."
		msgs = append(msgs, lengthConstraints(t.Key, at+"key", 1, 128)...)
		msgs = append(msgs, lengthConstraints(t.Value, at+"value", 0, 256)...)
	}
	return msgs
}

// lengthConstraints returns the violations of a required string member
// whose length (in characters) must be within [lo, hi].
func lengthConstraints(v *string, field string, lo, hi int) []string {
	if v == nil {
		return []string{"Value null at '" + field + "' failed to satisfy constraint: Member must not be null"}
	}
	n := utf8.RuneCountInString(*v)
	switch {
	case n < lo:
		return []string{"Value '" + *v + "' at '" + field + "' failed to satisfy constraint: Member must have length greater than or equal to " + strconv.Itoa(lo)}
	case n > hi:
		return []string{"Value '" + *v + "' at '" + field + "' failed to satisfy constraint: Member must have length less than or equal to " + strconv.Itoa(hi)}
	}
	return nil
}

// checkTagKeys rejects the tag keys users may not set.
func checkTagKeys(keys []string) error {
	for _, k := range keys {
		if strings.HasPrefix(k, "aws:") {
			return validationError("One or more parameter values were invalid: Tag keys starting with 'aws:' are reserved for system use: " + k)
		}
	}
	return nil
}

// applyTags sets tags on m, and fails when m would carry more than
// maxTags.
func applyTags(m *tableMeta, tags []tag) error {
	keys := make([]string, len(tags))
	for i, t := range tags {
		keys[i] = *t.Key
	}
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	merged := make(map[string]string, len(m.Tags)+len(tags))
	for k, v := range m.Tags {
		merged[k] = v
	}
	for _, t := range tags {
		merged[*t.Key] = *t.Value
	}
	if len(merged) > maxTags {
		return validationError("One or more parameter values were invalid: The number of tags on a resource cannot exceed " + strconv.Itoa(maxTags))
	}
	m.Tags = merged
	return nil
}

// tagTarget returns the table a tagging request's ResourceArn names, after
// DynamoDB's checks of the ARN; op is the operation, for its
// AccessDeniedException. check runs the operation's own checks between
// the ARN's shape and the table lookup.
func (s *Server) tagTarget(op string, arn *string, check func() error) (*table, error) {
	if arn == nil {
		return nil, validationError("Invalid TableArn")
	}
	if !anyArn.MatchString(*arn) {
		return nil, &apiError{status: 400, typ: nsCoral + "AccessDeniedException",
			msg: "User: arn:aws:iam::" + accountID + ":user/ddbtest is not authorized to perform: dynamodb:" + op + " on resource: " + *arn}
	}
	if err := check(); err != nil {
		return nil, err
	}
	name := (*arn)[strings.LastIndexByte(*arn, '/')+1:]
	s.mu.RLock()
	t := s.tables[name]
	s.mu.RUnlock()
	if t == nil || s.gone(t) || tableArn(s.region, name) != *arn {
		if op == "UntagResource" {
			return nil, notFoundError()
		}
		return nil, dynamoError("ResourceNotFoundException", "Requested resource not found: ResourcArn: "+*arn+" not found")
	}
	return t, nil
}

// checkArnShape is the check, after the constraints, that arn is a table
// ARN.
func checkArnShape(arn string) error {
	if !tableArnPattern.MatchString(arn) {
		return validationError("Invalid TableArn: Invalid ResourceArn provided as input " + arn)
	}
	return nil
}

// tagRequestChecks are the checks of TagResource and UntagResource, in
// DynamoDB's order: the constraint violations msgs, the ARN's shape, and
// that the request names n > 0 tags (none is the message when not).
func tagRequestChecks(msgs []string, arn string, n int, none string) error {
	if err := constraintErrors(msgs); err != nil {
		return err
	}
	if err := checkArnShape(arn); err != nil {
		return err
	}
	if n == 0 {
		return validationError(none)
	}
	return nil
}

// retag applies change to t's definition under its lock and saves it.
func (s *Server) retag(t *table, change func(m *tableMeta) error) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.deleted {
		return nil, notFoundError()
	}
	m := t.meta
	if err := change(&m); err != nil {
		return nil, err
	}
	old := t.meta
	t.meta = m
	if err := s.saveMeta(t); err != nil {
		t.meta = old
		return nil, err
	}
	return []byte{}, nil
}

func (s *Server) tagResource(body []byte) ([]byte, error) {
	var in struct {
		ResourceArn *string
		Tags        []tag
	}
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	t, err := s.tagTarget("TagResource", in.ResourceArn, func() error {
		msgs := tagConstraints(in.Tags, "tags")
		if in.Tags == nil {
			msgs = append([]string{"Value null at 'tags' failed to satisfy constraint: Member must not be null"}, msgs...)
		}
		return tagRequestChecks(msgs, *in.ResourceArn, len(in.Tags), "Atleast one Tag needs to be provided as Input.")
	})
	if err != nil {
		return nil, err
	}
	return s.retag(t, func(m *tableMeta) error { return applyTags(m, in.Tags) })
}

func (s *Server) untagResource(body []byte) ([]byte, error) {
	var in struct {
		ResourceArn *string
		TagKeys     []*string
	}
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	t, err := s.tagTarget("UntagResource", in.ResourceArn, func() error {
		var msgs []string
		if in.TagKeys == nil {
			msgs = append(msgs, "Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
		}
		for i, k := range in.TagKeys {
			msgs = append(msgs, lengthConstraints(k, "tagKeys."+strconv.Itoa(i+1)+".member", 1, 128)...)
		}
		return tagRequestChecks(msgs, *in.ResourceArn, len(in.TagKeys), "Atleast one Tag Key needs to be provided as Input.")
	})
	if err != nil {
		return nil, err
	}
	return s.retag(t, func(m *tableMeta) error {
		tags := make(map[string]string, len(m.Tags))
		for k, v := range m.Tags {
			tags[k] = v
		}
		for _, k := range in.TagKeys {
			delete(tags, *k)
		}
		m.Tags = tags
		return nil
	})
}

func (s *Server) listTagsOfResource(body []byte) ([]byte, error) {
	var in struct {
		ResourceArn *string
		NextToken   *string
	}
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	t, err := s.tagTarget("ListTagsOfResource", in.ResourceArn, func() error { return checkArnShape(*in.ResourceArn) })
	if err != nil {
		return nil, err
	}
	type tagOut struct{ Key, Value string }
	out := struct{ Tags []tagOut }{Tags: []tagOut{}}
	t.mu.RLock()
	for k, v := range t.meta.Tags {
		out.Tags = append(out.Tags, tagOut{k, v})
	}
	t.mu.RUnlock()
	sort.Slice(out.Tags, func(i, j int) bool { return out.Tags[i].Key < out.Tags[j].Key })
	return encodeResponse(&out)
}
