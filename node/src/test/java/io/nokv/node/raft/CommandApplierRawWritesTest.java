package io.nokv.node.raft;

import com.google.protobuf.ByteString;
import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.node.kv.proto.CommitRequest;
import io.nokv.node.kv.proto.RaftCommand;
import io.nokv.node.kv.proto.RaftCommandResult;
import io.nokv.node.kv.proto.RawDeleteRequest;
import io.nokv.node.kv.proto.RawPutRequest;
import io.nokv.node.kv.proto.RawWriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A batched entry of several callers' raw writes applies as if they were applied one after another. */
class CommandApplierRawWritesTest {

    private static RaftCommand put(String k, String v) {
        return RaftCommand.newBuilder().setRegionId(1).setRawPut(RawPutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(k)).setValue(ByteString.copyFromUtf8(v))).build();
    }

    private static RaftCommand delete(String k) {
        return RaftCommand.newBuilder().setRegionId(1).setRawDelete(RawDeleteRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(k))).build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void laterWritesOfABatchWinAndEveryCallerGetsItsResult(@TempDir Path dir) {
        try (DB db = NoKV.open(Options.at(dir).keepVersionsUntilSafePoint(true))) {
            CommandApplier applier = new CommandApplier(db);
            db.write(applier.apply(put("gone", "x"), 5).batch());

            RaftCommand entry = RaftCommand.newBuilder().setRegionId(1).setRawWrites(RawWriteBatch.newBuilder()
                    .addCommands(put("k", "1")).addCommands(put("other", "o")).addCommands(put("k", "2"))
                    .addCommands(delete("gone"))).build();
            CommandApplier.Outcome o = applier.apply(entry, 7);
            db.write(o.batch());

            assertEquals(RaftCommandResult.ResultCase.RAW_WRITES, o.result().getResultCase());
            assertEquals(4, o.result().getRawWrites().getResultsCount());
            o.result().getRawWrites().getResultsList().forEach(r -> assertTrue(r.getOk()));
            assertArrayEquals(bytes("2"), db.get(ColumnFamily.DEFAULT, bytes("k"), Long.MAX_VALUE - 2));
            assertArrayEquals(bytes("o"), db.get(ColumnFamily.DEFAULT, bytes("other"), Long.MAX_VALUE - 2));
            assertNull(db.get(ColumnFamily.DEFAULT, bytes("gone"), Long.MAX_VALUE - 2));
        }
    }

    @Test
    void aBatchHoldingATransactionalCommandIsRefusedWholeAndWritesNothing(@TempDir Path dir) {
        try (DB db = NoKV.open(Options.at(dir).keepVersionsUntilSafePoint(true))) {
            CommandApplier applier = new CommandApplier(db);
            RaftCommand commit = RaftCommand.newBuilder().setRegionId(1).setCommit(CommitRequest.newBuilder()
                    .setStartVersion(1).setCommitVersion(2).addKeys(ByteString.copyFromUtf8("k"))).build();
            RaftCommand entry = RaftCommand.newBuilder().setRegionId(1).setRawWrites(RawWriteBatch.newBuilder()
                    .addCommands(put("k", "1")).addCommands(commit)).build();
            CommandApplier.Outcome o = applier.apply(entry, 9);

            assertEquals(RaftCommandResult.ResultCase.RAW_ERROR, o.result().getResultCase());
            assertTrue(o.batch().ops().isEmpty(), "nothing written");
        }
    }
}
