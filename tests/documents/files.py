"""Small real files with hidden metadata planted in them, made here (no fixtures on disk)."""
import io

import pikepdf
from PIL import Image, PngImagePlugin

GPS_MARK = "SHELTER-CAMERA-7731"
AUTHOR_MARK = "Caseworker-Secretname"
XMP_MARK = "XMP-Secretcreator"
PNG_MARK = "PNG-shelter-address-12-Rue"
JPEG_COMMENT = b"JPEG-COMMENT-SECRET"


def jpeg_with_gps(orientation=6, size=(320, 240)) -> bytes:
    image = Image.new("RGB", size, (180, 40, 40))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = GPS_MARK  # camera make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=JPEG_COMMENT, quality=90)
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", PNG_MARK)
    info.add_itxt("XML:com.adobe.xmp", f"<x:xmpmeta>{XMP_MARK}</x:xmpmeta>")
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def pdf_with_metadata(text="Decision letter", pages=1) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    pdf.docinfo["/Author"] = AUTHOR_MARK
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:creator"] = [XMP_MARK]
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()
