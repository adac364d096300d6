package io.nokv.node.mvcc;

/** A write record together with the version it is stored at (its commitTs; startTs for a rollback). */
public record CommittedWrite(Write write, long commitTs) {

    public long startTs() {
        return write.startTs();
    }

    public Write.Kind kind() {
        return write.kind();
    }
}
