/**
 * Generated KTP (Indonesian identity card) data for the emulated OCR KTP analytic, with the keys the
 * Weber frontend reads (vendor-notes §1.10). The NIK is structurally valid and agrees with the other
 * fields: 2 digits province + 2 digits regency + 2 digits district (as printed in provinsi,
 * kabupaten_kota and kecamatan), the birth date as DDMMYY with 40 added to the day for women, then a
 * 4-digit serial.
 */
import type { Random } from '../../core/random.js'

export interface Ktp {
  agama: string
  alamat: string
  berlaku_hingga: string
  golongan_darah: string
  jenis_kelamin: string
  kabupaten_kota: string
  kecamatan: string
  kelurahan_desa: string
  kewarganegaraan: string
  nama: string
  nik: string
  pekerjaan: string
  provinsi: string
  rt_rw: string
  status_perkawinan: string
  tanggal_lahir: string
  tempat_lahir: string
}

/** [province code, province, regency code, regency, birthplace, [district code, district, [villages]]...] */
type Region = [string, string, string, string, string, Array<[string, string, string[]]>]

const REGIONS: Region[] = [
  ['31', 'DKI JAKARTA', '71', 'KOTA JAKARTA SELATAN', 'JAKARTA', [['01', 'TEBET', ['TEBET BARAT', 'MANGGARAI']], ['06', 'KEBAYORAN BARU', ['SENAYAN', 'GANDARIA UTARA']]]],
  ['31', 'DKI JAKARTA', '73', 'KOTA JAKARTA PUSAT', 'JAKARTA', [['01', 'GAMBIR', ['CIDENG', 'PETOJO UTARA']], ['05', 'MENTENG', ['GONDANGDIA', 'CIKINI']]]],
  ['32', 'JAWA BARAT', '73', 'KOTA BANDUNG', 'BANDUNG', [['10', 'COBLONG', ['DAGO', 'LEBAKSILIWANGI']], ['14', 'SUKAJADI', ['PASTEUR', 'CIPEDES']]]],
  ['33', 'JAWA TENGAH', '74', 'KOTA SEMARANG', 'SEMARANG', [['02', 'SEMARANG TENGAH', ['PEKUNDEN', 'MIROTO']], ['07', 'CANDISARI', ['JATINGALEH', 'KARANGANYAR GUNUNG']]]],
  ['34', 'DI YOGYAKARTA', '71', 'KOTA YOGYAKARTA', 'YOGYAKARTA', [['08', 'GONDOKUSUMAN', ['BACIRO', 'TERBAN']], ['11', 'JETIS', ['COKRODININGRATAN', 'BUMIJO']]]],
  ['35', 'JAWA TIMUR', '78', 'KOTA SURABAYA', 'SURABAYA', [['04', 'GUBENG', ['AIRLANGGA', 'MOJO']], ['06', 'TEGALSARI', ['DR. SOETOMO', 'KEDUNGDORO']]]],
  ['51', 'BALI', '71', 'KOTA DENPASAR', 'DENPASAR', [['01', 'DENPASAR SELATAN', ['SANUR', 'PANJER']], ['03', 'DENPASAR UTARA', ['PEGUYANGAN', 'UBUNG']]]],
  ['12', 'SUMATERA UTARA', '75', 'KOTA MEDAN', 'MEDAN', [['10', 'MEDAN BARU', ['PADANG BULAN', 'MERDEKA']], ['13', 'MEDAN KOTA', ['PASAR MERAH TIMUR', 'SUDIRENGGAN']]]],
  ['18', 'LAMPUNG', '01', 'KABUPATEN LAMPUNG SELATAN', 'KALIANDA', [['07', 'SIDOMULYO', ['BANDAR DALAM', 'SIDODADI']], ['04', 'KALIANDA', ['WAY URANG', 'BUMI AGUNG']]]],
  ['73', 'SULAWESI SELATAN', '71', 'KOTA MAKASSAR', 'MAKASSAR', [['09', 'PANAKKUKANG', ['KARAMPUANG', 'PANDANG']], ['04', 'TAMALATE', ['MANNURUKI', 'JONGAYA']]]]
]

const AGAMA = ['ISLAM', 'ISLAM', 'ISLAM', 'KRISTEN', 'KATOLIK', 'HINDU', 'BUDDHA']
const DARAH = ['-', '-', 'A', 'B', 'AB', 'O']
const STATUS = ['BELUM KAWIN', 'KAWIN', 'KAWIN', 'CERAI HIDUP']
const PEKERJAAN = ['KARYAWAN SWASTA', 'WIRASWASTA', 'PELAJAR/MAHASISWA', 'PEGAWAI NEGERI SIPIL', 'MENGURUS RUMAH TANGGA', 'BELUM/TIDAK BEKERJA']

const pad2 = (n: number): string => String(n).padStart(2, '0')

/** A KTP generated from the parts (the image's hash): the same image always reads the same card. */
export function generateKtp (random: Random, parts: Array<string | number>): Ktp {
  return random.generate('id', ['weber.ktp', ...parts], (f) => {
    const region = f.helpers.arrayElement(REGIONS)
    const [provCode, provinsi, kabCode, kabupaten, birthplace, districts] = region
    const [kecCode, kecamatan, villages] = f.helpers.arrayElement(districts)
    const female = f.datatype.boolean()
    const year = f.number.int({ min: 1960, max: 2004 })
    const month = f.number.int({ min: 1, max: 12 })
    const day = f.number.int({ min: 1, max: 28 })
    const serial = f.number.int({ min: 1, max: 9999 })
    const nik = `${provCode}${kabCode}${kecCode}${pad2(day + (female ? 40 : 0))}${pad2(month)}${pad2(year % 100)}${String(serial).padStart(4, '0')}`
    const nama = f.person.fullName({ sex: female ? 'female' : 'male' }).toUpperCase().replace(/[^A-Z .']/g, '')
    return {
      agama: f.helpers.arrayElement(AGAMA),
      alamat: `${f.location.street().toUpperCase()} NO. ${f.number.int({ min: 1, max: 120 })}`,
      berlaku_hingga: 'SEUMUR HIDUP',
      golongan_darah: f.helpers.arrayElement(DARAH),
      jenis_kelamin: female ? 'PEREMPUAN' : 'LAKI-LAKI',
      kabupaten_kota: kabupaten,
      kecamatan,
      kelurahan_desa: f.helpers.arrayElement(villages),
      kewarganegaraan: 'WNI',
      nama,
      nik,
      pekerjaan: f.helpers.arrayElement(PEKERJAAN),
      provinsi,
      rt_rw: `${String(f.number.int({ min: 1, max: 15 })).padStart(3, '0')}/${String(f.number.int({ min: 1, max: 12 })).padStart(3, '0')}`,
      status_perkawinan: f.helpers.arrayElement(STATUS),
      tanggal_lahir: `${pad2(day)}-${pad2(month)}-${year}`,
      tempat_lahir: birthplace
    }
  })
}

/** The checks a KTP reader applies to a NIK; tests use it to show the generated ones pass. */
export function nikAgrees (k: Ktp): boolean {
  const region = REGIONS.find((r) => r[1] === k.provinsi && r[3] === k.kabupaten_kota)
  if (region === undefined || !/^[0-9]{16}$/.test(k.nik)) return false
  const district = region[5].find((d) => d[1] === k.kecamatan)
  if (district === undefined) return false
  const [dd, mm, yyyy] = k.tanggal_lahir.split('-')
  const day = Number(dd) + (k.jenis_kelamin === 'PEREMPUAN' ? 40 : 0)
  return k.nik.slice(0, 6) === `${region[0]}${region[2]}${district[0]}` &&
    k.nik.slice(6, 12) === `${pad2(day)}${mm ?? ''}${(yyyy ?? '').slice(2)}` &&
    k.nik.slice(12) !== '0000'
}
