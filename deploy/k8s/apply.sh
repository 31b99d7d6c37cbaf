#!/usr/bin/env bash
# Rolls out a release in order: each database's migration Job first (and waits for all of them),
# then everything else, so no pod of the new version starts against an old schema.
#   deploy/k8s/apply.sh deploy/k8s/overlays/prod
# Jobs are immutable: the previous release's are deleted before the new ones are created. Schema
# changes are expand/contract, so the old pods keep working against the migrated schema while the
# Deployments roll (maxUnavailable 0). Argo CD does the same by itself (the Jobs are PreSync hooks).
set -euo pipefail
overlay=${1:?usage: deploy/k8s/apply.sh <overlay directory>}
migrations=app.kubernetes.io/part-of=shopmesh,app.kubernetes.io/component=migration

rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
kubectl kustomize "$overlay" >"$rendered"
namespace=$(sed -n 's/^  namespace: //p' "$rendered" | head -n 1)

# the namespace, Secrets and network policies the Jobs need, without touching the apps yet
kubectl apply -f "$rendered" -l '!app.kubernetes.io/name'
kubectl -n "$namespace" delete job -l "$migrations" --ignore-not-found --wait=true
kubectl apply -f "$rendered" -l "$migrations"
kubectl -n "$namespace" wait --for=condition=complete job -l "$migrations" --timeout=10m
kubectl apply -f "$rendered"
kubectl -n "$namespace" rollout status deployment -l app.kubernetes.io/part-of=shopmesh --timeout=15m
