package e2e

import (
	"context"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// TestDynamoDBItemCollectionMetrics checks that writes to a table with a
// local secondary index report the item's collection when asked.
func TestDynamoDBItemCollectionMetrics(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("events"),
		KeySchema: []ddbtypes.KeySchemaElement{
			{AttributeName: aws.String("device"), KeyType: ddbtypes.KeyTypeHash},
			{AttributeName: aws.String("at"), KeyType: ddbtypes.KeyTypeRange},
		},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{
			{AttributeName: aws.String("device"), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String("at"), AttributeType: ddbtypes.ScalarAttributeTypeN},
			{AttributeName: aws.String("kind"), AttributeType: ddbtypes.ScalarAttributeTypeS},
		},
		LocalSecondaryIndexes: []ddbtypes.LocalSecondaryIndex{{
			IndexName: aws.String("by-kind"),
			KeySchema: []ddbtypes.KeySchemaElement{
				{AttributeName: aws.String("device"), KeyType: ddbtypes.KeyTypeHash},
				{AttributeName: aws.String("kind"), KeyType: ddbtypes.KeyTypeRange},
			},
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeKeysOnly},
		}},
		BillingMode: ddbtypes.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                   aws.String("events"),
		Item:                        map[string]ddbtypes.AttributeValue{"device": sAttr("d1"), "at": nAttr("1"), "kind": sAttr("boot")},
		ReturnItemCollectionMetrics: ddbtypes.ReturnItemCollectionMetricsSize,
	})
	if err != nil {
		t.Fatal(err)
	}
	icm := out.ItemCollectionMetrics
	if icm == nil {
		t.Fatal("PutItem returned no ItemCollectionMetrics")
	}
	if !reflect.DeepEqual(icm.ItemCollectionKey, map[string]ddbtypes.AttributeValue{"device": sAttr("d1")}) {
		t.Errorf("ItemCollectionKey = %#v, want device d1", icm.ItemCollectionKey)
	}
	if want := []float64{0, 1}; !reflect.DeepEqual(icm.SizeEstimateRangeGB, want) {
		t.Errorf("SizeEstimateRangeGB = %v, want %v", icm.SizeEstimateRangeGB, want)
	}
}
