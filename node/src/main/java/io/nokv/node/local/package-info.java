/**
 * What the helper scripts ({@code scripts/*.java}) stand on to run a cluster on this machine: the
 * config as they need it ({@link io.nokv.node.local.Topology}), where a cluster's files live
 * ({@link io.nokv.node.local.ClusterLayout}), seeding a store's regions
 * ({@link io.nokv.node.local.Seeder}), asking whether the cluster is up
 * ({@link io.nokv.node.local.ClusterProbe}), and starting and supervising one JVM per process
 * ({@link io.nokv.node.local.JavaCommand}, {@link io.nokv.node.local.SupervisedProcess},
 * {@link io.nokv.node.local.ClassDataSharing}).
 * A script's body reads as the helper's story; the steps are here, typed and unit-tested.
 */
package io.nokv.node.local;
