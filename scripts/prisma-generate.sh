#!/bin/sh
# Generates both Prisma clients (SQLite and PostgreSQL); run by `npm install` (postinstall).
set -e
DATABASE_URL="file:.data/generate.db" prisma generate
DATABASE_URL="postgresql://generate@127.0.0.1:5432/generate" prisma generate
