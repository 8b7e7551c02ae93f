"""What a file is (by its bytes, never its name) and the same file without hidden metadata.

A photo's EXIF block can hold the GPS position where it was taken, the phone's make and
serial number; a PDF's Info dictionary and XMP packet name the author and the software.
Either can reveal a shelter's address or a caseworker's name. Before a file is stored:

- JPEG: the segments are copied one by one; APP1 (EXIF, XMP), APP13 (IPTC), comments, and
  every other application segment are dropped, except JFIF (APP0), the colour profile
  (APP2 ICC_PROFILE) and Adobe's colour transform (APP14), which decoding needs. The
  orientation, if the photo had one, is written back as a one-tag EXIF block so the picture
  still shows upright. Anything after the end of the image (a second, hidden picture) is
  dropped. Done as a stream: the image data is never decoded or held whole.
- PNG: the chunks are copied one by one; text (tEXt, zTXt, iTXt), EXIF (eXIf), the time
  (tIME) and any ancillary chunk not on the list of those that only describe how to draw
  the image are dropped, and so is anything after IEND.
- PDF: rewritten with pikepdf (qpdf), its streams copied as they are: the document Info
  dictionary, the XMP metadata of the
  catalogue and of every object, and page-piece data are removed, and JPEG images inside the
  PDF go through the JPEG cleaner above. An encrypted PDF that needs a password is refused:
  it cannot be checked.

Word-processor files (DOCX, ODT) are not accepted: their metadata sits in several parts
(authors, revisions, comments, embedded pictures with their own EXIF) and they may carry
macros; a PDF export of the same letter is accepted.
"""
import io
import struct
import tempfile
from dataclasses import dataclass, field

BLOCK = 64 * 1024


@dataclass(frozen=True)
class FileType:
    code: str
    content_type: str
    extension: str
    magic: bytes


TYPES = (
    FileType("pdf", "application/pdf", "pdf", b"%PDF-"),
    FileType("jpeg", "image/jpeg", "jpg", b"\xff\xd8\xff"),
    FileType("png", "image/png", "png", b"\x89PNG\r\n\x1a\n"),
)
ALLOWED = ", ".join(t.code.upper() for t in TYPES)


class Unacceptable(ValueError):
    """The file is not of an allowed type or cannot be read as its type claims."""


def detect(head: bytes) -> FileType | None:
    """The allowed type whose signature the file starts with, or None."""
    return next((t for t in TYPES if head.startswith(t.magic)), None)


@dataclass
class Cleaned:
    """The cleaned file as a stream of blocks and what was removed."""
    blocks: object
    removed: list = field(default_factory=list)

    def close(self):
        """Let go of any temporary file, whether or not every block was read."""
        self.blocks.close()


def clean(kind: FileType, source) -> Cleaned:
    """``source``: a seekable binary file positioned at 0. Returns the cleaned bytes as an
    iterator of blocks; raises Unacceptable for a file that is not what it starts as."""
    removed: list[str] = []
    if kind.code == "jpeg":
        return Cleaned(strip_jpeg(source, removed), removed)
    if kind.code == "png":
        return Cleaned(strip_png(source, removed), removed)
    return Cleaned(strip_pdf(source, removed), removed)


# --- JPEG -------------------------------------------------------------------------------

_KEEP_APP = {0xE0: b"JFIF\x00", 0xE2: b"ICC_PROFILE\x00", 0xEE: b"Adobe"}
_STANDALONE = {0x01} | set(range(0xD0, 0xD8))


def _read_exact(source, n: int) -> bytes:
    data = source.read(n)
    if len(data) != n:
        raise Unacceptable("the image is cut short")
    return data


def _orientation(payload: bytes) -> int | None:
    """The EXIF orientation tag (0x0112) of an APP1 Exif payload, if any."""
    tiff = payload[6:]
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return None
    order = "<" if tiff[:2] == b"II" else ">"
    try:
        (offset,) = struct.unpack(order + "I", tiff[4:8])
        (count,) = struct.unpack(order + "H", tiff[offset:offset + 2])
        for i in range(count):
            entry = tiff[offset + 2 + 12 * i: offset + 14 + 12 * i]
            tag, kind, _, value = struct.unpack(order + "HHI4s", entry)
            if tag == 0x0112 and kind == 3:
                (orientation,) = struct.unpack(order + "H", value[:2])
                return orientation if 1 <= orientation <= 8 else None
    except struct.error:
        return None
    return None


def _orientation_segment(orientation: int) -> bytes:
    """A minimal EXIF block holding only the orientation."""
    tiff = b"MM\x00\x2a\x00\x00\x00\x08" + struct.pack(">H", 1) + \
        struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + b"\x00\x00\x00\x00"
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def strip_jpeg(source, removed: list):
    if _read_exact(source, 2) != b"\xff\xd8":
        raise Unacceptable("not a JPEG image")
    yield b"\xff\xd8"
    while True:
        byte = _read_exact(source, 1)
        if byte != b"\xff":
            raise Unacceptable("the image is damaged")
        marker = _read_exact(source, 1)[0]
        while marker == 0xFF:  # fill bytes
            marker = _read_exact(source, 1)[0]
        if marker == 0xD9:
            yield b"\xff\xd9"
            if source.read(1):
                removed.append("data after the image")
            return
        if marker in _STANDALONE:
            yield bytes((0xFF, marker))
            continue
        (length,) = struct.unpack(">H", _read_exact(source, 2))
        if length < 2:
            raise Unacceptable("the image is damaged")
        payload = _read_exact(source, length - 2)
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            keep = _KEEP_APP.get(marker)
            if keep is not None and payload.startswith(keep):
                yield bytes((0xFF, marker)) + struct.pack(">H", length) + payload
                continue
            if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
                removed.append("exif")
                orientation = _orientation(payload)
                if orientation and orientation != 1:
                    yield _orientation_segment(orientation)
            elif marker == 0xE1:
                removed.append("xmp")
            elif marker == 0xFE:
                removed.append("comment")
            else:
                removed.append(f"app{marker - 0xE0}")
            continue
        yield bytes((0xFF, marker)) + struct.pack(">H", length) + payload
        if marker == 0xDA:  # start of scan: entropy-coded data until the next real marker
            yield from _scan_data(source)


def _scan_data(source):
    """Copy entropy-coded data; stop before the first marker that is not a restart or a
    stuffed 0xFF, leaving the source positioned at that marker."""
    while True:
        block = source.read(BLOCK)
        if len(block) < 2:
            raise Unacceptable("the image is cut short")
        start = 0
        while True:
            at = block.find(b"\xff", start)
            if at == -1:
                yield block
                break
            if at == len(block) - 1:  # decide with the next block
                yield block[:at]
                source.seek(-1, io.SEEK_CUR)
                break
            nxt = block[at + 1]
            if nxt == 0x00 or 0xD0 <= nxt <= 0xD7:
                start = at + 2
                continue
            if nxt == 0xFF:
                start = at + 1
                continue
            yield block[:at]
            source.seek(at - len(block), io.SEEK_CUR)
            return


# --- PNG --------------------------------------------------------------------------------

# Ancillary chunks that only say how to draw the picture; every other ancillary chunk
# (text, EXIF, time, private chunks) is dropped.
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP",
             b"sBIT", b"sRGB", b"cICP", b"mDCV", b"cLLI", b"bKGD", b"hIST", b"pHYs",
             b"sPLT", b"acTL", b"fcTL", b"fdAT"}


def strip_png(source, removed: list):
    if _read_exact(source, 8) != b"\x89PNG\r\n\x1a\n":
        raise Unacceptable("not a PNG image")
    yield b"\x89PNG\r\n\x1a\n"
    first = True
    while True:
        header = _read_exact(source, 8)
        (length,), kind = struct.unpack(">I", header[:4]), header[4:]
        if first and kind != b"IHDR":
            raise Unacceptable("the image is damaged")
        first = False
        if length > 2 ** 31 - 1 or not kind.isalpha():
            raise Unacceptable("the image is damaged")
        keep = kind in _PNG_KEEP
        if not keep and kind[:1].isupper():
            raise Unacceptable("the image uses a part no viewer knows")
        if keep:
            yield header
        else:
            removed.append(kind.decode("ascii"))
        remaining = length + 4  # data and CRC
        while remaining:
            data = _read_exact(source, min(BLOCK, remaining))
            remaining -= len(data)
            if keep:
                yield data
        if kind == b"IEND":
            if source.read(1):
                removed.append("data after the image")
            return


# --- PDF --------------------------------------------------------------------------------

def strip_pdf(source, removed: list):
    import pikepdf
    try:
        pdf = pikepdf.open(source)
    except pikepdf.PasswordError:
        raise Unacceptable("a password-protected PDF cannot be checked; send it without "
                           "the password") from None
    except pikepdf.PdfError:
        raise Unacceptable("not a readable PDF") from None
    output = tempfile.TemporaryFile()
    with pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
            removed.append("info")
        for obj in pdf.objects:
            if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                continue
            for key in ("/Metadata", "/PieceInfo"):
                if key in obj:
                    del obj[key]
                    removed.append("xmp" if key == "/Metadata" else "pieceinfo")
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image" and \
                    obj.get("/Filter") == "/DCTDecode":
                raw = obj.read_raw_bytes()
                inner: list[str] = []
                try:
                    cleaned = b"".join(strip_jpeg(io.BytesIO(raw), inner))
                except Unacceptable:
                    continue
                if inner:
                    obj.write(cleaned, filter=pikepdf.Name.DCTDecode)
                    removed.extend(f"image {item}" for item in inner)
        try:
            # Streams are copied as they are (not decoded, not recompressed): the page
            # content stays byte for byte, and qpdf holds less of the file in memory.
            pdf.save(output, encryption=False, fix_metadata_version=False,
                     compress_streams=False,
                     stream_decode_level=pikepdf.StreamDecodeLevel.none)
        except pikepdf.PdfError:
            raise Unacceptable("not a readable PDF") from None
    output.seek(0)
    return _blocks(output)


class _blocks:
    """The blocks of a temporary file, which is closed when read to its end or closed."""

    def __init__(self, fileobj):
        self.fileobj = fileobj

    def __iter__(self):
        return self

    def __next__(self):
        block = self.fileobj.read(BLOCK) if not self.fileobj.closed else b""
        if not block:
            self.close()
            raise StopIteration
        return block

    def close(self):
        self.fileobj.close()
