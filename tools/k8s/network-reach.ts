import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';

/** A pod as NetworkPolicies see it. */
export interface PodRef {
  namespace: string;
  labels: Record<string, string>;
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined;
type Protocol = 'TCP' | 'UDP';

function selects(selector: Selector, labels: Record<string, string>): boolean {
  if (selector?.matchExpressions?.length) throw new Error('matchExpressions are not modelled here');
  return Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

const namespaceLabels = (namespace: string) => ({ 'kubernetes.io/metadata.name': namespace });

function peerMatches(peer: INetworkPolicyPeer, policyNamespace: string, other: PodRef): boolean {
  if (peer.ipBlock) throw new Error('ipBlock peers are not modelled here');
  if (peer.namespaceSelector === undefined) {
    return other.namespace === policyNamespace && selects(peer.podSelector, other.labels);
  }
  return selects(peer.namespaceSelector, namespaceLabels(other.namespace)) && selects(peer.podSelector, other.labels);
}

function portMatches(ports: INetworkPolicyPort[] | undefined, port: number, protocol: Protocol): boolean {
  if (!ports?.length) return true;
  return ports.some((p) => {
    if (typeof p.port === 'string') throw new Error('named ports are not modelled here');
    return (p.protocol ?? 'TCP') === protocol && (p.port === undefined || p.port === port);
  });
}

/**
 * Whether `from` may open a connection to `to` on `port` under the policies (standard NetworkPolicy
 * semantics: a pod no policy selects for a direction is open in that direction; otherwise the union
 * of the rules of the policies selecting it). Both ends must allow it.
 */
export function mayConnect(
  policies: readonly INetworkPolicy[],
  from: PodRef,
  to: PodRef,
  port: number,
  protocol: Protocol = 'TCP',
): boolean {
  const applying = (pod: PodRef, type: 'Ingress' | 'Egress') =>
    policies.filter(
      (p) =>
        p.metadata?.namespace === pod.namespace &&
        selects(p.spec?.podSelector, pod.labels) &&
        (p.spec?.policyTypes ?? ['Ingress']).includes(type),
    );
  const egress = applying(from, 'Egress');
  const egressOk =
    egress.length === 0 ||
    egress.some((p) =>
      (p.spec?.egress ?? []).some(
        (rule) =>
          portMatches(rule.ports, port, protocol) &&
          (!rule.to?.length || rule.to.some((peer) => peerMatches(peer, from.namespace, to))),
      ),
    );
  const ingress = applying(to, 'Ingress');
  const ingressOk =
    ingress.length === 0 ||
    ingress.some((p) =>
      (p.spec?.ingress ?? []).some(
        (rule) =>
          portMatches(rule.ports, port, protocol) &&
          (!rule.from?.length || rule.from.some((peer) => peerMatches(peer, to.namespace, from))),
      ),
    );
  return egressOk && ingressOk;
}
