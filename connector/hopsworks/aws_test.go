package hopsworks

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoleFromARN(t *testing.T) {
	tests := []struct {
		arn, role string
	}{
		{"arn:aws:sts::123456789012:assumed-role/my-role-name/my-role-session-name", "my-role-name"},
		{"arn:aws-cn:sts::123456789012:assumed-role/AmazonSageMaker-ExecutionRole-2024/SageMaker", "AmazonSageMaker-ExecutionRole-2024"},
		{"arn:aws:sts::123456789012:user/moto", ""},
		{"arn:aws:iam::123456789012:role/my-role", ""},
		{"arn:aws:sts::123456789012:assumed-role/my-role", ""},
		{"arn:aws:sts::123456789012:assumed-role/a/b/c", ""},
		{"arn:aws:sts::123456789012:assumed-role//s", ""},
		{"", ""},
	}
	for _, tt := range tests {
		role, err := roleFromARN(tt.arn)
		if tt.role == "" {
			require.Error(t, err, tt.arn)
			assert.Contains(t, err.Error(), "failed to extract assumed role from ARN")
			continue
		}
		require.NoError(t, err, tt.arn)
		assert.Equal(t, tt.role, role)
	}
}

// roleSeq numbers the roles of one test binary, whose emulator keeps
// parameters and secrets across -count runs.
var roleSeq atomic.Int64

// newRole returns a role name not used before in this test binary.
func newRole(base string) string { return fmt.Sprintf("%s-%d", base, roleSeq.Add(1)) }

// motoBase returns an emulator configuration with the emulator's default
// identity, a user, not an assumed role.
func motoBase(t *testing.T) *aws.Config { return motoConfig(t, "testing", "testing", "") }

// assumeRole assumes role on the emulator and returns a configuration with
// its session credentials, as a SageMaker notebook has them.
func assumeRole(t *testing.T, role string) *aws.Config {
	t.Helper()
	out, err := sts.NewFromConfig(*motoBase(t)).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:aws:iam::123456789012:role/" + role),
		RoleSessionName: aws.String("hopsql-test"),
	})
	require.NoError(t, err)
	cfg := motoConfig(t, aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
	// The emulator now answers GetCallerIdentity with the assumed role's
	// ARN, which is what the lookup derives the role from.
	ident, err := sts.NewFromConfig(*cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	require.Contains(t, aws.ToString(ident.Arn), ":assumed-role/"+role+"/hopsql-test")
	return cfg
}

func putParameter(t *testing.T, name, value string) {
	t.Helper()
	_, err := ssm.NewFromConfig(*motoBase(t)).PutParameter(context.Background(), &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String(value), Type: ssmtypes.ParameterTypeSecureString,
	})
	require.NoError(t, err)
}

func createSecret(t *testing.T, name, value string) {
	t.Helper()
	_, err := secretsmanager.NewFromConfig(*motoBase(t)).CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{
		Name: aws.String(name), SecretString: aws.String(value),
	})
	require.NoError(t, err)
}

func TestAPIKeyFromParameterStore(t *testing.T) {
	role := newRole("hopsql-param-role")
	putParameter(t, "/hopsworks/role/"+role+"/type/api-key", testKey+"\n")
	cfg := assumeRole(t, role)
	ctx := context.Background()

	for _, region := range []string{"", "default", "us-east-1"} {
		key, err := resolveAPIKey(ctx, Options{SecretsStore: SecretsStoreParameterStore, Region: region, AWSConfig: cfg})
		require.NoError(t, err, "region %q", region)
		assert.Equal(t, secret(testKey), key, "the decrypted value, trimmed")
	}

	// Parameters live in a region: another region has none.
	_, err := resolveAPIKey(ctx, Options{SecretsStore: SecretsStoreParameterStore, Region: "eu-north-1", AWSConfig: cfg})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/hopsworks/role/"+role+"/type/api-key")
	assert.Contains(t, err.Error(), "ParameterNotFound")

	// A role without a parameter.
	missing := newRole("hopsql-no-such-role")
	_, err = resolveAPIKey(ctx, Options{SecretsStore: SecretsStoreParameterStore, AWSConfig: assumeRole(t, missing)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/hopsworks/role/"+missing+"/type/api-key")
}

func TestAPIKeyFromSecretsManager(t *testing.T) {
	role := newRole("hopsql-secret-role")
	value, err := json.Marshal(map[string]string{"api-key": testKey, "other": "x"})
	require.NoError(t, err)
	createSecret(t, "hopsworks/role/"+role, string(value))
	key, err := resolveAPIKey(context.Background(), Options{SecretsStore: SecretsStoreSecretsManager, AWSConfig: assumeRole(t, role)})
	require.NoError(t, err)
	assert.Equal(t, secret(testKey), key)
}

func TestAPIKeyFromSecretsManagerErrors(t *testing.T) {
	tests := []struct {
		role, value, wantErr string
	}{
		{"hopsql-secret-plain", "plain " + testKey, "is not a JSON object"},
		{"hopsql-secret-nokey", `{"apikey": "` + testKey + `"}`, `has no string key "api-key"`},
		{"hopsql-secret-number", `{"api-key": 12345}`, `has no string key "api-key"`},
		{"hopsql-secret-empty", `{"api-key": "  "}`, "is empty"},
	}
	for _, tt := range tests {
		tt.role = newRole(tt.role)
		createSecret(t, "hopsworks/role/"+tt.role, tt.value)
		_, err := resolveAPIKey(context.Background(), Options{SecretsStore: SecretsStoreSecretsManager, AWSConfig: assumeRole(t, tt.role)})
		require.Error(t, err, tt.role)
		assert.Contains(t, err.Error(), tt.wantErr, tt.role)
		assert.Contains(t, err.Error(), "hopsworks/role/"+tt.role, "the error names the secret")
		assert.NotContains(t, err.Error(), testKey, "the error never quotes the secret")
	}
	_, err := resolveAPIKey(context.Background(), Options{SecretsStore: SecretsStoreSecretsManager, AWSConfig: assumeRole(t, newRole("hopsql-secret-missing"))})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ResourceNotFoundException")
}

// TestAPIKeyNeedsAssumedRole uses the emulator's default identity, a user:
// the lookup refuses it as the Hopsworks client does.
func TestAPIKeyNeedsAssumedRole(t *testing.T) {
	cfg := motoBase(t)
	ident, err := sts.NewFromConfig(*cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	arn := aws.ToString(ident.Arn)
	_, roleErr := roleFromARN(arn)
	require.Error(t, roleErr, "the emulator's default identity %s is not an assumed role", arn)

	for _, store := range []string{SecretsStoreParameterStore, SecretsStoreSecretsManager} {
		_, err := resolveAPIKey(context.Background(), Options{SecretsStore: store, AWSConfig: cfg})
		require.Error(t, err, store)
		assert.Contains(t, err.Error(), "failed to extract assumed role")
		assert.Contains(t, err.Error(), arn)
	}
}
