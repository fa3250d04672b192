package e2e

import (
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// s3Boto3Script drives S3 the way Python applications do: the managed
// transfer (multipart above its threshold), paginators, versioning,
// copies, batch deletes and presigned URLs, with boto3's defaults.
const s3Boto3Script = `
import boto3, json, io, hashlib, urllib.request
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
s3 = boto3.client("s3")
out = {}
s3.create_bucket(Bucket="py-bucket")
big = bytes(range(256)) * (24 * 4096)  # 24 MiB
cfg = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024)
s3.upload_fileobj(io.BytesIO(big), "py-bucket", "big.bin", Config=cfg)
head = s3.head_object(Bucket="py-bucket", Key="big.bin")
out["big_etag_parts"] = head["ETag"].strip('"').split("-")[-1]
buf = io.BytesIO()
s3.download_fileobj("py-bucket", "big.bin", buf, Config=cfg)
out["big_roundtrip"] = hashlib.md5(buf.getvalue()).hexdigest() == hashlib.md5(big).hexdigest()
for i in range(25):
    s3.put_object(Bucket="py-bucket", Key="logs/%02d.txt" % i, Body=b"line %d" % i)
pages = s3.get_paginator("list_objects_v2").paginate(Bucket="py-bucket", Prefix="logs/", PaginationConfig={"PageSize": 10})
out["listed"] = sum(len(p.get("Contents", [])) for p in pages)
out["pages"] = len(list(s3.get_paginator("list_objects_v2").paginate(Bucket="py-bucket", Prefix="logs/", PaginationConfig={"PageSize": 10})))
s3.copy_object(Bucket="py-bucket", Key="copy.txt", CopySource={"Bucket": "py-bucket", "Key": "logs/03.txt"})
out["copy"] = s3.get_object(Bucket="py-bucket", Key="copy.txt")["Body"].read().decode()
res = s3.delete_objects(Bucket="py-bucket", Delete={"Objects": [{"Key": "logs/%02d.txt" % i} for i in range(25)]})
out["deleted"] = len(res["Deleted"])
s3.put_bucket_versioning(Bucket="py-bucket", VersioningConfiguration={"Status": "Enabled"})
v1 = s3.put_object(Bucket="py-bucket", Key="doc", Body=b"one")["VersionId"]
s3.put_object(Bucket="py-bucket", Key="doc", Body=b"two")
out["v1"] = s3.get_object(Bucket="py-bucket", Key="doc", VersionId=v1)["Body"].read().decode()
out["versions"] = len(s3.list_object_versions(Bucket="py-bucket", Prefix="doc")["Versions"])
url = s3.generate_presigned_url("get_object", Params={"Bucket": "py-bucket", "Key": "doc"}, ExpiresIn=60)
out["presigned"] = urllib.request.urlopen(url).read().decode()
try:
    s3.get_object(Bucket="py-bucket", Key="missing")
except ClientError as e:
    out["missing"] = e.response["Error"]["Code"]
print(json.dumps(out))
`

func TestS3Boto3(t *testing.T) {
	srv := unkaitest.Start(t)
	cmd := exec.Command("python3", "-c", s3Boto3Script)
	cmd.Env = awsEnv(srv, "test")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("boto3: %v\n%s", err, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("boto3 output %q: %v", out, err)
	}
	want := map[string]any{
		"big_etag_parts": "3", "big_roundtrip": true, "listed": float64(25), "pages": float64(3),
		"copy": "line 3", "deleted": float64(25), "v1": "one", "versions": float64(2), "presigned": "two", "missing": "NoSuchKey",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}
