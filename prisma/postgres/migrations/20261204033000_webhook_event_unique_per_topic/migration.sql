-- DropIndex
DROP INDEX "WebhookEvent_eventId_key";

-- CreateIndex
CREATE UNIQUE INDEX "WebhookEvent_topic_eventId_key" ON "WebhookEvent"("topic", "eventId");

