package dynamodb

import (
	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// Key types, billing modes and projection types as the API spells them.
const (
	keyHash          = "HASH"
	keyRange         = "RANGE"
	billProvisioned  = "PROVISIONED"
	billPerRequest   = "PAY_PER_REQUEST"
	projAll          = "ALL"
	projKeysOnly     = "KEYS_ONLY"
	projInclude      = "INCLUDE"
	maxGSIs          = 20
	maxLSIs          = 5
	maxProjectedAttr = 100
)

// keyDef names the partition and (optional) sort key attributes of a table
// or index.
type keyDef struct {
	Hash  string
	Range string
}

// names lists the key's attribute names, partition key first.
func (k keyDef) names() []string {
	if k.Range == "" {
		return []string{k.Hash}
	}
	return []string{k.Hash, k.Range}
}

// indexDef is one secondary index as the engine uses it.
type indexDef struct {
	Name    string
	Global  bool
	Key     keyDef
	Proj    string
	Include map[string]bool
}

// schema is a table's key structure, derived from its description.
type schema struct {
	Name    string
	Key     keyDef
	Types   map[string]string // key attribute → S, N or B
	Indexes []indexDef
	stream  *streamTarget // the enabled stream, nil when none
	TTL     ttlIndex      // the expiry index writes maintain (ttl.go); zero when TTL is off
	// replicas are the global table's other replicas writes also go to (replica.go).
	replicas []replicaTarget
	pitr     bool // writes append PITR history (pitr.go)
}

// index returns the named index.
func (s *schema) index(name string) (*indexDef, bool) {
	for i := range s.Indexes {
		if s.Indexes[i].Name == name {
			return &s.Indexes[i], true
		}
	}
	return nil, false
}

// keyDefOf reads a KeySchema (assumed valid).
func keyDefOf(ks []dynamodbapi.KeySchemaElement) keyDef {
	var k keyDef
	for _, e := range ks {
		switch deref(e.KeyType) {
		case keyHash:
			k.Hash = deref(e.AttributeName)
		case keyRange:
			k.Range = deref(e.AttributeName)
		}
	}
	return k
}

// newIndexDef builds an index definition.
func newIndexDef(name string, global bool, ks []dynamodbapi.KeySchemaElement, p *dynamodbapi.Projection) indexDef {
	d := indexDef{Name: name, Global: global, Key: keyDefOf(ks), Proj: projAll}
	if p != nil && p.ProjectionType != nil {
		d.Proj = *p.ProjectionType
	}
	if d.Proj == projInclude {
		d.Include = map[string]bool{}
		for _, a := range p.NonKeyAttributes {
			d.Include[a] = true
		}
	}
	return d
}

// schemaOf derives the schema of a stored table.
func schemaOf(d *dynamodbapi.TableDescription) *schema {
	s := &schema{Name: deref(d.TableName), Key: keyDefOf(d.KeySchema), Types: map[string]string{}, stream: streamTargetOf(d)}
	for _, a := range d.AttributeDefinitions {
		s.Types[deref(a.AttributeName)] = deref(a.AttributeType)
	}
	for _, l := range d.LocalSecondaryIndexes {
		s.Indexes = append(s.Indexes, newIndexDef(deref(l.IndexName), false, l.KeySchema, l.Projection))
	}
	for _, g := range d.GlobalSecondaryIndexes {
		s.Indexes = append(s.Indexes, newIndexDef(deref(g.IndexName), true, g.KeySchema, g.Projection))
	}
	return s
}

// checkKeySchema validates one KeySchema's shape.
func checkKeySchema(ks []dynamodbapi.KeySchemaElement) error {
	if len(ks) == 0 {
		return validation("1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: Member must not be null")
	}
	if deref(ks[0].KeyType) != keyHash {
		return validation(msgFirstNotHash)
	}
	if len(ks) == 2 {
		if deref(ks[1].KeyType) != keyRange {
			return validation(msgSecondNotRange)
		}
		if deref(ks[0].AttributeName) == deref(ks[1].AttributeName) {
			return validation(msgSameHashRange)
		}
	}
	return nil
}

// checkProjection validates an index's projection.
func checkProjection(p *dynamodbapi.Projection) (int, error) {
	if p == nil {
		return 0, validation("1 validation error detected: Value null at 'projection' failed to satisfy constraint: Member must not be null")
	}
	pt := deref(p.ProjectionType)
	if pt == "" {
		pt = projAll
	}
	switch {
	case pt == projInclude && len(p.NonKeyAttributes) == 0:
		return 0, validation(msgNonKeyRequired)
	case pt != projInclude && len(p.NonKeyAttributes) > 0:
		return 0, validation(msgNonKeyNotAllowed, pt)
	}
	return len(p.NonKeyAttributes), nil
}

// createSpec is what CreateTable's validation yields.
type createSpec struct {
	billing string
}

// validateCreate checks a CreateTable request as DynamoDB does.
func validateCreate(in *dynamodbapi.CreateTableInput) (*createSpec, error) {
	spec := &createSpec{billing: billProvisioned}
	if in.BillingMode != nil {
		spec.billing = *in.BillingMode
	}
	if len(in.KeySchema) > len(in.AttributeDefinitions) {
		return nil, validation(msgKeysNoDefinition)
	}
	if err := checkKeySchema(in.KeySchema); err != nil {
		return nil, err
	}
	defined := map[string]string{}
	var defNames []string
	for _, a := range in.AttributeDefinitions {
		n := deref(a.AttributeName)
		if _, dup := defined[n]; dup {
			return nil, validation(msgAttrNameDuplicated, n)
		}
		defined[n] = deref(a.AttributeType)
		defNames = append(defNames, n)
	}
	if err := checkDefinitionsUsed(in, defined, defNames); err != nil {
		return nil, err
	}
	used := map[string]bool{}
	var missing []string
	useKeys := func(ks []dynamodbapi.KeySchemaElement) {
		for _, e := range ks {
			n := deref(e.AttributeName)
			if _, ok := defined[n]; !ok {
				missing = append(missing, n)
			}
			used[n] = true
		}
	}
	useKeys(in.KeySchema)
	tableKey := keyDefOf(in.KeySchema)

	switch spec.billing {
	case billProvisioned:
		if in.ProvisionedThroughput == nil {
			return nil, validation(msgThroughputRequired)
		}
	case billPerRequest:
		if in.ProvisionedThroughput != nil {
			return nil, validation(msgThroughputForbidden)
		}
	}
	if in.LocalSecondaryIndexes != nil && len(in.LocalSecondaryIndexes) == 0 {
		return nil, validation(msgEmptyLSIs)
	}
	if in.GlobalSecondaryIndexes != nil && len(in.GlobalSecondaryIndexes) == 0 {
		return nil, validation(msgEmptyGSIs)
	}
	if len(in.GlobalSecondaryIndexes) > maxGSIs {
		return nil, validation(msgTooManyGSIs)
	}
	if len(in.LocalSecondaryIndexes) > maxLSIs {
		return nil, validation(msgTooManyLSIs)
	}
	seen := map[string]bool{}
	projected := 0
	for _, l := range in.LocalSecondaryIndexes {
		name := deref(l.IndexName)
		if seen[name] {
			return nil, validation(msgDuplicateIndex, name)
		}
		seen[name] = true
		if err := checkKeySchema(l.KeySchema); err != nil {
			return nil, err
		}
		if tableKey.Range == "" {
			return nil, validation(msgLSINoRange)
		}
		k := keyDefOf(l.KeySchema)
		if k.Hash != tableKey.Hash {
			return nil, validation(msgLSIHash, name, k.Hash, tableKey.Hash)
		}
		if k.Range == "" {
			return nil, validation(msgLSINeedsRange, name)
		}
		n, err := checkProjection(l.Projection)
		if err != nil {
			return nil, err
		}
		projected += n
		useKeys(l.KeySchema)
	}
	for _, g := range in.GlobalSecondaryIndexes {
		name := deref(g.IndexName)
		if seen[name] {
			return nil, validation(msgDuplicateIndex, name)
		}
		seen[name] = true
		if err := checkKeySchema(g.KeySchema); err != nil {
			return nil, err
		}
		n, err := checkProjection(g.Projection)
		if err != nil {
			return nil, err
		}
		projected += n
		if err := checkIndexThroughput(spec.billing, name, g.ProvisionedThroughput); err != nil {
			return nil, err
		}
		useKeys(g.KeySchema)
	}
	if projected > maxProjectedAttr {
		return nil, validation(msgTooManyProjected)
	}
	if len(missing) > 0 {
		return nil, validation(msgKeysNotDefined, joinComma(missing), joinComma(defNames))
	}
	if len(used) != len(defined) {
		return nil, validation(msgKeyCountMismatch)
	}
	return spec, nil
}

// checkDefinitionsUsed refuses, on a table with secondary indexes, an
// attribute definition no key uses; AWS checks this before every other
// index rule (DDB-TABLE-127). The keys are listed in order of first use
// (AWS's own order looks unordered).
func checkDefinitionsUsed(in *dynamodbapi.CreateTableInput, defined map[string]string, defNames []string) error {
	if len(in.GlobalSecondaryIndexes) == 0 && len(in.LocalSecondaryIndexes) == 0 {
		return nil
	}
	used := map[string]bool{}
	var keys []string
	add := func(ks []dynamodbapi.KeySchemaElement) {
		for _, e := range ks {
			if n := deref(e.AttributeName); !used[n] {
				used[n] = true
				keys = append(keys, n)
			}
		}
	}
	add(in.KeySchema)
	for _, l := range in.LocalSecondaryIndexes {
		add(l.KeySchema)
	}
	for _, g := range in.GlobalSecondaryIndexes {
		add(g.KeySchema)
	}
	for n := range defined {
		if !used[n] {
			return validation(msgAttrDefsNotUsed, joinComma(defNames), joinComma(keys))
		}
	}
	return nil
}

// checkIndexThroughput checks a GSI's throughput against the billing mode.
func checkIndexThroughput(billing, name string, pt *dynamodbapi.ProvisionedThroughput) error {
	if billing == billProvisioned && pt == nil {
		return validation(msgIndexThroughputNeeded, name)
	}
	if billing == billPerRequest && pt != nil {
		return validation(msgIndexThroughputGiven, name)
	}
	return nil
}

// deref returns *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// recordSchema is the schema item writes to a stored table follow: its
// keys and indexes, its stream, and the TTL expiry index and PITR history
// writes maintain.
func recordSchema(rec *tableRecord) *schema {
	sch := schemaOf(&rec.Desc)
	sch.TTL = liveTTL(rec)
	sch.pitr = livePITR(rec)
	return sch
}
