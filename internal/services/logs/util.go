package logs

import "math"

// minTS is the lowest timestamp: the start of every stream.
const minTS = math.MinInt64

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt(v *int64, def int64) int64 {
	if v == nil {
		return def
	}
	return *v
}

func derefBool(v *bool) bool { return v != nil && *v }

// pageLimit returns a request's limit, def when it is absent or not
// positive, and at most most.
func pageLimit(v *int64, def, most int) int {
	if v == nil || *v <= 0 {
		return def
	}
	return int(min(*v, int64(most)))
}
