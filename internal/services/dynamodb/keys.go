package dynamodb

import (
	"slices"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Messages about keys.
const (
	msgKeyMismatch      = "The provided key element does not match the schema"
	msgKeyTypeMismatch  = msgInvalid + "Type mismatch for key %s expected: %s actual: %s"
	msgMissingKey       = msgInvalid + "Missing the key %s in the item"
	msgEmptyKeyString   = "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: %s"
	msgEmptyKeyBinary   = "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: %s"
	msgIndexKeyMismatch = msgInvalid + "Type mismatch for Index Key %s Expected: %s Actual: %s IndexName: %s"
	msgEmptyIndexKey    = "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty %s value. IndexName: %s, IndexKey: %s"
	msgItemTooLarge     = "Item size has exceeded the maximum allowed size"
	// The update path words two of the above differently.
	msgUpdEmptyIndexKey = "One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty %s value."
	msgUpdItemTooLarge  = "Item size to update has exceeded the maximum allowed size"
	// msgTypeMismatchPrefix begins msgKeyTypeMismatch and msgIndexKeyMismatch.
	msgTypeMismatchPrefix = msgInvalid + "Type mismatch for "
	// msgUpdEmptyIndexKeyPrefix begins msgUpdEmptyIndexKey.
	msgUpdEmptyIndexKeyPrefix = "One or more parameter values are not valid. The update expression attempted"
)

// keyOfParam checks a Key request parameter against the table's key schema
// and returns it as an item holding exactly the key attributes.
func keyOfParam(sch *schema, key attr.Item) (attr.Item, error) {
	names := sch.Key.names()
	if len(key) != len(names) {
		return nil, validation(msgKeyMismatch)
	}
	for _, n := range names {
		v, ok := key[n]
		if !ok {
			return nil, validation(msgKeyMismatch)
		}
		if err := attr.Validate(v); err != nil {
			return nil, err
		}
		if attr.TypeOf(v) != sch.Types[n] {
			return nil, validation(msgKeyMismatch)
		}
		if err := checkEmptyKey(n, v); err != nil {
			return nil, err
		}
	}
	out := attr.Item{}
	for _, n := range names {
		v := key[n]
		attr.Normalize(&v)
		out[n] = v
	}
	return out, nil
}

// checkEmptyKey refuses empty string and binary key values.
func checkEmptyKey(name string, v dynamodbapi.AttributeValue) error {
	if v.S != nil && *v.S == "" {
		return validation(msgEmptyKeyString, name)
	}
	if v.B != nil && len(v.B) == 0 {
		return validation(msgEmptyKeyBinary, name)
	}
	return nil
}

// checkItem validates a whole item to be written: values, the table key,
// index key types and the size limit. It normalizes numbers in place.
func checkItem(sch *schema, it attr.Item) error { return checkWritten(sch, it, false) }

// checkUpdatedItem is checkItem for the item an update produces, which
// DynamoDB refuses in the update path's own words.
func checkUpdatedItem(sch *schema, it attr.Item) error { return checkWritten(sch, it, true) }

// checkWritten is checkItem, worded for an update when updating is set.
func checkWritten(sch *schema, it attr.Item, updating bool) error {
	for _, n := range sch.Key.names() {
		v, ok := it[n]
		if !ok {
			return validation(msgMissingKey, n)
		}
		if err := attr.Validate(v); err != nil {
			return err
		}
		if got := attr.TypeOf(v); got != sch.Types[n] {
			return validation(msgKeyTypeMismatch, n, sch.Types[n], got)
		}
		if err := checkEmptyKey(n, v); err != nil {
			return err
		}
	}
	if err := attr.ValidateItem(it); err != nil {
		return err
	}
	if err := checkIndexKeys(sch, it, updating); err != nil {
		return err
	}
	attr.NormalizeItem(it)
	if attr.ItemSize(it) > attr.MaxItemSize {
		if updating {
			return validation(msgUpdItemTooLarge)
		}
		return validation(msgItemTooLarge)
	}
	return nil
}

// checkIndexKeys refuses index key attributes of the wrong type or empty.
// Where several indexes key on the attribute, DynamoDB names the one first
// in name order. updating selects the update path's wording of the empty
// value refusal.
func checkIndexKeys(sch *schema, it attr.Item, updating bool) error {
	idxs := make([]*indexDef, len(sch.Indexes))
	for i := range sch.Indexes {
		idxs[i] = &sch.Indexes[i]
	}
	slices.SortFunc(idxs, func(a, b *indexDef) int { return strings.Compare(a.Name, b.Name) })
	for _, idx := range idxs {
		for _, n := range idx.Key.names() {
			v, ok := it[n]
			if !ok {
				continue
			}
			if got := attr.TypeOf(v); got != sch.Types[n] {
				return validation(msgIndexKeyMismatch, n, sch.Types[n], got, idx.Name)
			}
			kind := ""
			switch {
			case v.S != nil && *v.S == "":
				kind = "string"
			case v.B != nil && len(v.B) == 0:
				kind = "binary"
			default:
				continue
			}
			if updating {
				return validation(msgUpdEmptyIndexKey, kind)
			}
			return validation(msgEmptyIndexKey, kind, idx.Name, n)
		}
	}
	return nil
}

// appendKeyPart appends one key value as a tuple element, so that a
// partition key's encoding is never a prefix of another's.
func appendKeyPart(dst []byte, v dynamodbapi.AttributeValue) []byte {
	return storage.AppendBytes(dst, attr.AppendKey(nil, v))
}

// appendKeyOf appends the encoding of k's attributes from it.
func appendKeyOf(dst []byte, k keyDef, it attr.Item) []byte {
	dst = appendKeyPart(dst, it[k.Hash])
	if k.Range != "" {
		dst = appendKeyPart(dst, it[k.Range])
	}
	return dst
}

// itemKey is the storage key of the item with the given key attributes.
func itemKey(sc scope.Scope, sch *schema, it attr.Item) []byte {
	return appendKeyOf(itemsPrefix(sc, sch.Name), sch.Key, it)
}

// hasKey reports whether it holds every attribute of k.
func hasKey(k keyDef, it attr.Item) bool {
	if _, ok := it[k.Hash]; !ok {
		return false
	}
	if k.Range != "" {
		if _, ok := it[k.Range]; !ok {
			return false
		}
	}
	return true
}

// indexEntryKey is the storage key of it's entry in idx: index key, then
// table key (index keys need not be unique).
func indexEntryKey(sc scope.Scope, sch *schema, idx *indexDef, it attr.Item) []byte {
	k := appendKeyOf(indexPrefix(sc, sch.Name, idx.Name), idx.Key, it)
	return appendKeyOf(k, sch.Key, it)
}

// keyAttrs returns the table key attributes of it.
func keyAttrs(k keyDef, it attr.Item) attr.Item {
	out := attr.Item{k.Hash: it[k.Hash]}
	if k.Range != "" {
		out[k.Range] = it[k.Range]
	}
	return out
}

// project returns the part of it an index holds.
func project(sch *schema, idx *indexDef, it attr.Item) attr.Item {
	if idx.Proj == projAll {
		return it
	}
	out := keyAttrs(sch.Key, it)
	for _, n := range idx.Key.names() {
		out[n] = it[n]
	}
	for n := range idx.Include {
		if v, ok := it[n]; ok {
			out[n] = v
		}
	}
	return out
}
