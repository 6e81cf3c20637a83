"""Training data made on the fly: source lists and the photo pack (photos), camera paths (camera), degradations
(degrade, codec), image and video files (imagefiles) and the clip samplers (sampler). Programs:
python3 -m swiftvr.data.build_pack, python3 -m swiftvr.data.probe_codecs. The lists and the fetched cache live in
model/data/."""
