package hopsworks

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Names of the API key in the AWS secret stores, as the Hopsworks clients
// (hsfs 3.x, the Java client) and the Hopsworks documentation name them.
const (
	parameterStorePrefix = "/hopsworks/role/" // + <ROLE> + parameterStoreSuffix
	parameterStoreSuffix = "/type/api-key"
	secretsManagerPrefix = "hopsworks/role/" // + <ROLE>
	secretsManagerKey    = "api-key"         // key in the secret's JSON object
)

// defaultRegion is the Region value that means the SDK's default chain.
const defaultRegion = "default"

// apiKeyFromAWS looks the API key up in the AWS secret store
// o.SecretsStore for the role the process runs as.
func apiKeyFromAWS(ctx context.Context, o Options) (secret, error) {
	cfg, err := awsConfig(ctx, o)
	if err != nil {
		return "", err
	}
	ident, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("hopsworks: finding the AWS role for the API key in %s: %w", o.SecretsStore, err)
	}
	role, err := roleFromARN(aws.ToString(ident.Arn))
	if err != nil {
		return "", err
	}
	switch o.SecretsStore {
	case SecretsStoreParameterStore:
		return apiKeyFromParameterStore(ctx, ssm.NewFromConfig(cfg), role)
	case SecretsStoreSecretsManager:
		return apiKeyFromSecretsManager(ctx, secretsmanager.NewFromConfig(cfg), role)
	}
	return "", fmt.Errorf("hopsworks: %q is not an AWS secrets store", o.SecretsStore)
}

// awsConfig returns o.AWSConfig, or the SDK's default configuration, with
// o.Region applied unless it is empty or "default".
func awsConfig(ctx context.Context, o Options) (aws.Config, error) {
	region := o.Region
	if region == defaultRegion {
		region = ""
	}
	if o.AWSConfig != nil {
		cfg := o.AWSConfig.Copy()
		if region != "" {
			cfg.Region = region
		}
		return cfg, nil
	}
	var opts []func(*config.LoadOptions) error
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("hopsworks: loading the AWS configuration for the API key: %w", err)
	}
	return cfg, nil
}

// roleFromARN extracts <ROLE> from the ARN of an assumed role,
// arn:aws:sts::123456789012:assumed-role/<ROLE>/<session>, the identity of
// SageMaker notebooks and Databricks clusters with an instance profile. Any
// other ARN is an error, as in the Hopsworks client.
func roleFromARN(arn string) (string, error) {
	parts := strings.Split(arn, ":")
	local := strings.Split(parts[len(parts)-1], "/")
	if len(local) != 3 || local[0] != "assumed-role" || local[1] == "" {
		return "", fmt.Errorf("hopsworks: failed to extract assumed role from ARN %q: the API key is looked up for an assumed role (arn:aws:sts::<account>:assumed-role/<role>/<session>); give an API key value or file instead", arn)
	}
	return local[1], nil
}

// parameterStoreAPI is the part of the SSM client apiKeyFromParameterStore
// uses.
type parameterStoreAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// apiKeyFromParameterStore reads the SecureString parameter
// /hopsworks/role/<role>/type/api-key, decrypted.
func apiKeyFromParameterStore(ctx context.Context, api parameterStoreAPI, role string) (secret, error) {
	name := parameterStorePrefix + role + parameterStoreSuffix
	out, err := api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		return "", fmt.Errorf("hopsworks: reading the API key from AWS Parameter Store parameter %s: %w", name, err)
	}
	if out.Parameter == nil {
		return "", fmt.Errorf("hopsworks: AWS Parameter Store returned no parameter %s", name)
	}
	return checkAPIKey(aws.ToString(out.Parameter.Value), "AWS Parameter Store parameter "+name)
}

// secretsManagerAPI is the part of the Secrets Manager client
// apiKeyFromSecretsManager uses.
type secretsManagerAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// apiKeyFromSecretsManager reads the secret hopsworks/role/<role>, a JSON
// object, and returns its key "api-key".
func apiKeyFromSecretsManager(ctx context.Context, api secretsManagerAPI, role string) (secret, error) {
	id := secretsManagerPrefix + role
	out, err := api.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
	if err != nil {
		return "", fmt.Errorf("hopsworks: reading the API key from AWS Secrets Manager secret %s: %w", id, err)
	}
	// The secret's text never goes into an error, not even through a JSON
	// syntax error, which quotes the offending character.
	var fields map[string]any
	if json.Unmarshal([]byte(aws.ToString(out.SecretString)), &fields) != nil {
		return "", fmt.Errorf("hopsworks: AWS Secrets Manager secret %s is not a JSON object; it must hold {%q: \"<API key>\"}", id, secretsManagerKey)
	}
	key, ok := fields[secretsManagerKey].(string)
	if !ok {
		return "", fmt.Errorf("hopsworks: AWS Secrets Manager secret %s has no string key %q; it must hold {%q: \"<API key>\"}", id, secretsManagerKey, secretsManagerKey)
	}
	return checkAPIKey(key, fmt.Sprintf("key %q of AWS Secrets Manager secret %s", secretsManagerKey, id))
}
