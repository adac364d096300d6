package io.nokv.engine.manifest;

import io.nokv.engine.NoKVException;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The binary form of a {@link VersionEdit}: a sequence of {@code [u8 tag][fields]}, big-endian,
 * byte strings as {@code [u32 length][bytes]}, metadata keys as UTF-8 byte strings. Tags are never
 * reused; a reader meeting a tag it does not know refuses the file rather than guessing.
 */
final class VersionEditCodec {
    static final int TAG_ADD_FILE = 1;
    static final int TAG_DELETE_FILE = 2;
    static final int TAG_WAL_CHECKPOINT = 3;
    static final int TAG_NEXT_FILE_ID = 4;
    static final int TAG_LAST_VERSION = 5;
    static final int TAG_SAFE_POINT = 6;
    static final int TAG_PUT_META = 7;
    static final int TAG_DELETE_META = 8;

    private VersionEditCodec() {
    }

    static byte[] encode(VersionEdit edit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            for (VersionEdit.DeletedFile d : edit.deletedFiles()) {
                out.writeByte(TAG_DELETE_FILE);
                out.writeInt(d.level());
                out.writeLong(d.fileId());
            }
            for (FileMeta f : edit.addedFiles()) {
                out.writeByte(TAG_ADD_FILE);
                out.writeInt(f.level());
                out.writeLong(f.id());
                out.writeLong(f.size());
                writeBytes(out, f.smallest());
                writeBytes(out, f.largest());
                out.writeLong(f.minVersion());
                out.writeLong(f.maxVersion());
                out.writeLong(f.entries());
                out.writeLong(f.tombstones());
            }
            writeScalar(out, TAG_WAL_CHECKPOINT, edit.walCheckpoint());
            writeScalar(out, TAG_NEXT_FILE_ID, edit.nextFileId());
            writeScalar(out, TAG_LAST_VERSION, edit.lastVersion());
            writeScalar(out, TAG_SAFE_POINT, edit.safePoint());
            for (VersionEdit.MetaChange m : edit.metaChanges()) {
                out.writeByte(m.isDelete() ? TAG_DELETE_META : TAG_PUT_META);
                writeBytes(out, m.key().getBytes(StandardCharsets.UTF_8));
                if (!m.isDelete()) {
                    writeBytes(out, m.value());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes the payload of the record at {@code offset} of {@code file}.
     *
     * @throws NoKVException naming the file and offset for an unknown tag or a truncated body
     */
    static VersionEdit decode(byte[] payload, Path file, long offset) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        VersionEdit edit = new VersionEdit();
        try {
            while (in.hasRemaining()) {
                int tagAt = in.position();
                int tag = in.get() & 0xff;
                switch (tag) {
                    case TAG_ADD_FILE -> {
                        int level = in.getInt();
                        long id = in.getLong();
                        long size = in.getLong();
                        byte[] smallest = readBytes(in);
                        byte[] largest = readBytes(in);
                        edit.addFile(new FileMeta(id, level, size, smallest, largest,
                                in.getLong(), in.getLong(), in.getLong(), in.getLong()));
                    }
                    case TAG_DELETE_FILE -> edit.deleteFile(in.getInt(), in.getLong());
                    case TAG_WAL_CHECKPOINT -> edit.walCheckpoint(in.getLong());
                    case TAG_NEXT_FILE_ID -> edit.nextFileId(in.getLong());
                    case TAG_LAST_VERSION -> edit.lastVersion(in.getLong());
                    case TAG_SAFE_POINT -> edit.safePoint(in.getLong());
                    case TAG_PUT_META -> edit.putMeta(readString(in), readBytes(in));
                    case TAG_DELETE_META -> edit.deleteMeta(readString(in));
                    default -> throw new NoKVException("corrupt manifest edit in " + file + " at offset " + offset
                            + ": unknown tag " + tag + " at byte " + tagAt + " of the edit");
                }
            }
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new NoKVException("corrupt manifest edit in " + file + " at offset " + offset
                    + ": edit body ends early or holds an impossible length", e);
        }
        return edit;
    }

    private static void writeScalar(DataOutputStream out, int tag, OptionalLong value) throws IOException {
        if (value.isPresent()) {
            out.writeByte(tag);
            out.writeLong(value.getAsLong());
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("byte string of " + length + " bytes");
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    private static String readString(ByteBuffer in) {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }
}
