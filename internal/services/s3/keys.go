package s3

import (
	"fmt"

	"github.com/unkai-cloud/unkai/internal/storage"
)

// objectPrefix is the key prefix of a bucket's object records.
func objectPrefix(bucket string) []byte { return storage.Key(Name, "objects", bucket) }

// objectKey is the key of one object's record.
func objectKey(bucket, key string) []byte {
	return storage.AppendString(objectPrefix(bucket), key)
}

// keyPrefix is the storage prefix shared by the records of every object
// whose key starts with s: the object key of s without its terminator.
func keyPrefix(bucket, s string) []byte {
	k := objectKey(bucket, s)
	return k[:len(k)-2]
}

// objectName recovers the object key from a record's storage key.
func objectName(k []byte) (string, error) {
	parts, err := storage.Decode(k)
	if err != nil {
		return "", fmt.Errorf("s3: object record key: %w", err)
	}
	if len(parts) != 4 {
		return "", fmt.Errorf("s3: object record key has %d elements", len(parts))
	}
	s, ok := parts[3].(string)
	if !ok {
		return "", fmt.Errorf("s3: object record key element is %T", parts[3])
	}
	return s, nil
}
