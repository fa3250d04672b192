package restxml

// Namespace S3 writes its documents in.
const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// s3Roots names the root element of S3 responses whose output has no
// payload member; the model does not carry these names. Operations not
// listed use "<Operation>Result".
var s3Roots = map[string]string{
	"CompleteMultipartUpload":                    "CompleteMultipartUploadResult",
	"CreateMultipartUpload":                      "InitiateMultipartUploadResult",
	"CreateSession":                              "CreateSessionResult",
	"DeleteObjects":                              "DeleteResult",
	"GetBucketAccelerateConfiguration":           "AccelerateConfiguration",
	"GetBucketAcl":                               "AccessControlPolicy",
	"GetBucketCors":                              "CORSConfiguration",
	"GetBucketLifecycle":                         "LifecycleConfiguration",
	"GetBucketLifecycleConfiguration":            "LifecycleConfiguration",
	"GetBucketLocation":                          "LocationConstraint",
	"GetBucketLogging":                           "BucketLoggingStatus",
	"GetBucketNotification":                      "NotificationConfiguration",
	"GetBucketNotificationConfiguration":         "NotificationConfiguration",
	"GetBucketRequestPayment":                    "RequestPaymentConfiguration",
	"GetBucketTagging":                           "Tagging",
	"GetBucketVersioning":                        "VersioningConfiguration",
	"GetBucketWebsite":                           "WebsiteConfiguration",
	"GetObjectAcl":                               "AccessControlPolicy",
	"GetObjectAttributes":                        "GetObjectAttributesResponse",
	"GetObjectTagging":                           "Tagging",
	"ListBucketAnalyticsConfigurations":          "ListBucketAnalyticsConfigurationResult",
	"ListBucketIntelligentTieringConfigurations": "ListBucketIntelligentTieringConfigurationsOutput",
	"ListBucketInventoryConfigurations":          "ListInventoryConfigurationsResult",
	"ListBucketMetricsConfigurations":            "ListMetricsConfigurationsResult",
	"ListBuckets":                                "ListAllMyBucketsResult",
	"ListDirectoryBuckets":                       "ListAllMyDirectoryBucketsResult",
	"ListMultipartUploads":                       "ListMultipartUploadsResult",
	"ListObjectVersions":                         "ListVersionsResult",
	"ListObjects":                                "ListBucketResult",
	"ListObjectsV2":                              "ListBucketResult",
	"ListParts":                                  "ListPartsResult",
}
