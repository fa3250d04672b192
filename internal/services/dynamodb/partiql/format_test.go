package partiql

import (
	"encoding/base64"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// summary renders a request compactly for golden comparisons: the kind,
// then every set field of its input in declaration order.
func summary(r *Request) string {
	v := reflect.ValueOf(r).Elem()
	var in reflect.Value
	for i := 1; i < v.NumField(); i++ {
		if !v.Field(i).IsNil() {
			in = v.Field(i).Elem()
		}
	}
	parts := []string{r.Kind.String()}
	t := in.Type()
	for i := 0; i < in.NumField(); i++ {
		f := in.Field(i)
		if !t.Field(i).IsExported() || f.IsZero() {
			continue
		}
		parts = append(parts, t.Field(i).Name+"="+formatField(f.Interface()))
	}
	return strings.Join(parts, " ")
}

func formatField(x any) string {
	switch x := x.(type) {
	case *string:
		return fmt.Sprintf("%q", *x)
	case *bool:
		return fmt.Sprint(*x)
	case map[string]string:
		return formatMap(x, func(s string) string { return s })
	case map[string]dynamodbapi.AttributeValue:
		return formatMap(x, formatAV)
	}
	return fmt.Sprint(x)
}

func formatMap[V any](m map[string]V, f func(V) string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ":" + f(m[k])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// formatAV writes a value in PartiQL-like notation; numbers as N(...) to
// keep them apart from strings.
func formatAV(v dynamodbapi.AttributeValue) string {
	switch {
	case v.S != nil:
		return "'" + *v.S + "'"
	case v.N != nil:
		return "N(" + *v.N + ")"
	case v.B != nil:
		return "B(" + base64.StdEncoding.EncodeToString(v.B) + ")"
	case v.BOOL != nil:
		return fmt.Sprint(*v.BOOL)
	case v.NULL != nil:
		return "null"
	case v.SS != nil:
		return "SS" + fmt.Sprint(v.SS)
	case v.NS != nil:
		return "NS" + fmt.Sprint(v.NS)
	case v.BS != nil:
		return fmt.Sprintf("BS%d", len(v.BS))
	case v.L != nil:
		parts := make([]string, len(v.L))
		for i, e := range v.L {
			parts[i] = formatAV(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case v.M != nil:
		return formatMap(v.M, formatAV)
	}
	return "EMPTY"
}
