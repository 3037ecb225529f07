#!/bin/sh
# LocalStack init hook (runs when LocalStack is ready): the queues, dead-letter queues and bucket of a nostr-cache
# stack, with the names, visibility timeouts and redrive policies template.yaml declares. TemplateTest's sibling,
# LocalStackFilesTest, checks every line below against the code's queue catalog.
set -eu
STACK="${NOSTR_CACHE_STACK_NAME:-nostr-cache}"

queue() { # name visibility-timeout max-receive-count
  dlq_url=$(awslocal sqs create-queue --queue-name "$STACK-$1-dlq" \
    --attributes MessageRetentionPeriod=1209600 --query QueueUrl --output text)
  dlq_arn=$(awslocal sqs get-queue-attributes --queue-url "$dlq_url" \
    --attribute-names QueueArn --query Attributes.QueueArn --output text)
  awslocal sqs create-queue --queue-name "$STACK-$1" --attributes \
    "{\"VisibilityTimeout\":\"$2\",\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"$dlq_arn\\\",\\\"maxReceiveCount\\\":\\\"$3\\\"}\"}" >/dev/null
  echo "nostr-cache: queue $STACK-$1 (and -dlq)"
}

queue profiles 360 5
queue notes 360 5
queue contacts 360 5
queue reactions 360 5
queue reposts 360 5
queue zaps 360 5
queue relay-lists 360 5
queue deletions 360 5
queue other 360 5
queue avatars 180 3

awslocal s3 mb "s3://$STACK-avatars" >/dev/null
echo "nostr-cache: bucket $STACK-avatars"
