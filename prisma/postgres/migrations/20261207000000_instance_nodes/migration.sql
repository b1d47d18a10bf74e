-- LiteFS nodes of replicated instances (issue 7): the primary and its read replicas.
CREATE TABLE "InstanceNode" (
    "id" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "litefsPort" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "statusReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "InstanceNode_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "InstanceNode_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "InstanceNode_litefsPort_key" ON "InstanceNode"("litefsPort");
CREATE INDEX "InstanceNode_instanceId_idx" ON "InstanceNode"("instanceId");
