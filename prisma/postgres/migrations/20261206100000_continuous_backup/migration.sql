-- Continuous backup (Litestream) per instance (issue 6).
ALTER TABLE "Instance" ADD COLUMN "continuousBackup" BOOLEAN NOT NULL DEFAULT false;
