package awsjson

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

const putItemBody = `{"TableName":"Music","Item":{"Artist":{"S":"No One You Know"},"SongTitle":{"S":"Call Me Today"},` +
	`"AlbumTitle":{"S":"Somewhat Famous"},"Year":{"N":"2015"},"Price":{"N":"2.14"},"Genre":{"S":"Country"},` +
	`"Tags":{"SS":["a","b","c"]},"Cover":{"B":"iVBORw0KGgoAAAANSUhEUgAAAAE="},"Awards":{"L":[{"M":{"Name":{"S":"Best"},"Won":{"BOOL":true}}}]}},` +
	`"Created":1422172800.25}`

func BenchmarkDecodePutItem(b *testing.B) {
	c := New(testService("1.0"))
	call := &protocol.Call{}
	b.ReportAllocs()
	b.SetBytes(int64(len(putItemBody)))
	for b.Loop() {
		r := httptest.NewRequest("POST", "/", strings.NewReader(putItemBody))
		if err := c.Decode(r, call, &putItemInput{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodePutItem(b *testing.B) {
	c := New(testService("1.0"))
	out := &putItemOutput{
		Attributes: map[string]attributeValue{
			"Artist": {S: ptr("No One You Know")}, "Year": {N: ptr("2015")},
			"Tags": {SS: []string{"a", "b", "c"}}, "Cover": {B: []byte("\x89PNG\r\n")},
			"Awards": {L: []attributeValue{{M: map[string]attributeValue{"Won": {BOOL: ptr(true)}}}}},
		},
		Consumed: &consumed{TableName: ptr("Music"), Units: ptr(1.0), At: ptr(time.Unix(1422172800, 0))},
	}
	call := &protocol.Call{RequestID: "rid"}
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		if err := c.Encode(w, call, out); err != nil {
			b.Fatal(err)
		}
	}
}
