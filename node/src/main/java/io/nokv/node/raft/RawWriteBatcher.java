package io.nokv.node.raft;

import io.nokv.node.kv.proto.RaftCommand;
import io.nokv.node.kv.proto.RaftCommandResult;
import io.nokv.node.kv.proto.RawWriteBatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Batches raw writes per region, as TiKV's batch system does: while a region has its limit of
 * proposals in flight (one by default), the raw writes that arrive for it wait, and when one
 * completes they go to Raft together as <em>one</em> log entry ({@code raw_writes}), whose results are handed back one per caller. Many
 * callers then share one Ratis request, one log append and one round of replication instead of each
 * paying for its own. A lone caller is proposed at once, as before. Durability is unchanged: every
 * caller is answered only after the entry holding its write was committed and applied.
 */
final class RawWriteBatcher {
    /** Bounds of one batched entry (well below the Raft message limit). */
    static final int MAX_COMMANDS = 512;
    static final int MAX_BYTES = 4 << 20;

    private record Pending(RaftCommand cmd, CompletableFuture<RaftCommandResult> result) {
    }

    private static final class RegionQueue {
        int inFlight;
        final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    }

    private final Function<RaftCommand, CompletableFuture<RaftCommandResult>> proposer;
    private final Map<Long, RegionQueue> regions = new ConcurrentHashMap<>();
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "nokv-raw-write-batcher");
        t.setDaemon(true);
        return t;
    });

    private final int maxInFlight;
    private final long entryTimeoutMs;

    /**
     * @param maxInFlight    entries of one region proposed and not yet applied, at most (1 batches the most)
     * @param entryTimeoutMs how long an entry may hold its region's slot. Ratis does not always answer a
     *                       request whose leader lost leadership (seen after a leader transfer followed by
     *                       a kill of the new leader: the old one's request stayed pending for good), and a
     *                       slot held forever would stall every later write of the region on this store.
     *                       Its callers then get a timeout: an unknown outcome, never an acknowledgement.
     */
    RawWriteBatcher(Function<RaftCommand, CompletableFuture<RaftCommandResult>> proposer, int maxInFlight,
                    long entryTimeoutMs) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("batches in flight must be >= 1, got " + maxInFlight);
        }
        this.proposer = proposer;
        this.maxInFlight = maxInFlight;
        this.entryTimeoutMs = entryTimeoutMs;
    }

    void close() {
        dispatcher.shutdownNow();
    }

    static boolean isRawWrite(RaftCommand cmd) {
        return switch (cmd.getCmdCase()) {
            case RAW_PUT, RAW_DELETE, RAW_BATCH_PUT -> true;
            default -> false;
        };
    }

    CompletableFuture<RaftCommandResult> propose(RaftCommand cmd) {
        RegionQueue q = regions.computeIfAbsent(cmd.getRegionId(), id -> new RegionQueue());
        Pending p = new Pending(cmd, new CompletableFuture<>());
        List<Pending> send = null;
        synchronized (q) {
            q.waiting.add(p);
            if (q.inFlight < maxInFlight) {
                q.inFlight++;
                send = take(q);
            }
        }
        if (send != null) {
            send(q, send);
        }
        return p.result();
    }

    /** The oldest waiting writes, up to the batch bounds (at least one). */
    private static List<Pending> take(RegionQueue q) {
        List<Pending> out = new ArrayList<>();
        long bytes = 0;
        while (!q.waiting.isEmpty() && out.size() < MAX_COMMANDS) {
            bytes += q.waiting.peekFirst().cmd().getSerializedSize();
            if (!out.isEmpty() && bytes > MAX_BYTES) {
                break;
            }
            out.add(q.waiting.pollFirst());
        }
        return out;
    }

    private void send(RegionQueue q, List<Pending> batch) {
        while (batch != null) {
            CompletableFuture<RaftCommandResult> f;
            try {
                f = proposer.apply(entryOf(batch)).orTimeout(entryTimeoutMs, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            List<Pending> sent = batch;
            if (!f.isDone()) {
                // The next batch goes when this one completes; not on the thread that completes it,
                // which is Ratis's applier (it must not wait on a new submission).
                f.whenCompleteAsync((res, err) -> {
                    answer(sent, res, err);
                    List<Pending> next = next(q);
                    if (next != null) {
                        send(q, next);
                    }
                }, dispatcher);
                return;
            }
            // Completed already (typically a failure before Ratis took it): answer and go on here.
            f.whenComplete((res, err) -> answer(sent, res, err));
            batch = next(q);
        }
    }

    private static List<Pending> next(RegionQueue q) {
        synchronized (q) {
            if (q.waiting.isEmpty()) {
                q.inFlight--;
                return null;
            }
            return take(q);
        }
    }

    private static RaftCommand entryOf(List<Pending> batch) {
        if (batch.size() == 1) {
            return batch.get(0).cmd();
        }
        RaftCommand first = batch.get(0).cmd();
        RawWriteBatch.Builder b = RawWriteBatch.newBuilder();
        batch.forEach(p -> b.addCommands(p.cmd()));
        return RaftCommand.newBuilder().setRegionId(first.getRegionId()).setEpoch(first.getEpoch())
                .setProposerTimeMs(first.getProposerTimeMs()).setRegionStart(first.getRegionStart())
                .setRegionEnd(first.getRegionEnd()).setRawWrites(b).build();
    }

    /** One result per caller: the batch's own, in order, or the whole entry's failure or error. */
    private static void answer(List<Pending> batch, RaftCommandResult res, Throwable err) {
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture<RaftCommandResult> f = batch.get(i).result();
            if (err != null) {
                f.completeExceptionally(err);
            } else if (res.getResultCase() == RaftCommandResult.ResultCase.RAW_WRITES
                    && res.getRawWrites().getResultsCount() == batch.size()) {
                f.complete(res.getRawWrites().getResults(i));
            } else {
                f.complete(res);
            }
        }
    }
}
