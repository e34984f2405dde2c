package av

// Exception names carried by Error.Type; the server prefixes them with the
// namespace DynamoDB uses on the wire.
const (
	// ValidationException: the request is well-formed JSON but a value
	// breaks one of DynamoDB's rules (com.amazon.coral.validate#ValidationException).
	ValidationException = "ValidationException"
	// SerializationException: the request body is malformed or a field has
	// the wrong JSON type (com.amazon.coral.service#SerializationException).
	SerializationException = "SerializationException"
)

// Error is a decoding or validation failure carrying DynamoDB's exception
// name and its exact message text. The expression engine returns the same
// type.
type Error struct {
	Type    string // ValidationException or SerializationException
	Message string // DynamoDB's message text; may be empty for malformed JSON
}

// Error implements error.
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Type
	}
	return e.Type + ": " + e.Message
}

// NewValidationError returns a ValidationException with message msg.
func NewValidationError(msg string) *Error {
	return &Error{Type: ValidationException, Message: msg}
}

func serializationError(msg string) *Error {
	return &Error{Type: SerializationException, Message: msg}
}
