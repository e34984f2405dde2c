package partiql

import "github.com/ddb-go/ddb/ddbtest/internal/av"

// Node is an expression of a statement: a path, a constant (literal,
// parameter or a list, map or set built of constants) or an operator.
type Node interface{ node() }

// PathElem is one step of a document path: an attribute or map key
// (Name) or a list index (Index >= 0).
type PathElem struct {
	Name  string
	Index int
}

// Path is a document path such as a.b[0].
type Path []PathElem

// Lit is a scalar literal.
type Lit struct{ V av.Value }

// Param is the N-th (0-based) ? of the statement.
type Param struct{ N int }

// ListLit is a list constructor [a, b].
type ListLit struct{ Elems []Node }

// MapLit is a map constructor {'k': v}.
type MapLit struct {
	Keys []string
	Vals []Node
}

// SetLit is a set constructor <<a, b>>.
type SetLit struct{ Elems []Node }

// Binary is a binary operator: AND, OR, a comparison or + / -.
type Binary struct {
	Op   string
	L, R Node
}

// Not negates X.
type Not struct{ X Node }

// Between is X BETWEEN Lo AND Hi.
type Between struct{ X, Lo, Hi Node }

// In is X IN (List...).
type In struct {
	X    Node
	List []Node
}

// Is is X IS [NOT] MISSING or X IS [NOT] NULL.
type Is struct {
	X    Node
	Not  bool
	What string // "MISSING" or "NULL"
}

// Call is a function call; Name is lower case.
type Call struct {
	Name string
	Args []Node
}

func (Path) node()    {}
func (Lit) node()     {}
func (Param) node()   {}
func (ListLit) node() {}
func (MapLit) node()  {}
func (SetLit) node()  {}
func (Binary) node()  {}
func (Not) node()     {}
func (Between) node() {}
func (In) node()      {}
func (Is) node()      {}
func (Call) node()    {}

// Statement is a parsed statement: *Select, *Insert, *Update, *Delete
// or *Exists.
type Statement interface {
	// TableName is the table the statement reads or writes.
	TableName() string
}

// Select is SELECT Proj FROM Table[.Index] [WHERE Where] [ORDER BY ...].
type Select struct {
	Proj    []Path // nil for *
	Table   string
	Index   string
	Where   Node
	OrderBy Path
	Desc    bool
}

// Insert is INSERT INTO Table VALUE Value.
type Insert struct {
	Table string
	Value Node
}

// Assign is one SET clause: Path = Value.
type Assign struct {
	Path  Path
	Value Node
}

// Update is UPDATE Table SET ... REMOVE ... WHERE Where [RETURNING ...].
type Update struct {
	Table     string
	Sets      []Assign
	Removes   []Path
	Where     Node
	Returning string // "", ALL_OLD, UPDATED_OLD, ALL_NEW or UPDATED_NEW
}

// Delete is DELETE FROM Table WHERE Where [RETURNING ALL OLD *].
type Delete struct {
	Table     string
	Where     Node
	Returning string // "" or ALL_OLD
}

// Exists is EXISTS(SELECT ...), a transaction's condition check.
type Exists struct{ Select *Select }

// TableName implements Statement.
func (s *Select) TableName() string { return s.Table }

// TableName implements Statement.
func (s *Exists) TableName() string { return s.Select.Table }

// TableName implements Statement.
func (s *Insert) TableName() string { return s.Table }

// TableName implements Statement.
func (s *Update) TableName() string { return s.Table }

// TableName implements Statement.
func (s *Delete) TableName() string { return s.Table }
